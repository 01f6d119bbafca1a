// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libmicrohttpd does the HTTP; this file opens the listening socket itself so
 * a taken port or a bad address is an errno we can report (MHD_start_daemon
 * only says NULL), then hands the socket over with MHD_OPTION_LISTEN_SOCKET.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <microhttpd.h>

#include "metrics/metrics.h"
#include "metrics/server.h"
#include "log.h"

#define CONTENT_TYPE_METRICS "text/plain; version=0.0.4; charset=utf-8"
#define CONNECTION_TIMEOUT_S 5
#define CONNECTION_LIMIT 32

struct server {
	struct MHD_Daemon *d;
	struct server_callbacks cb;
	int port;
};

/* ---- address parsing ---- */

static int parse_port(const char *s, in_port_t *port)
{
	char *end;
	long v;

	if (!*s || strspn(s, "0123456789") != strlen(s))
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v > 65535)
		return -EINVAL;
	*port = htons((in_port_t)v);
	return 0;
}

/* Numeric addresses only, and "localhost": a node agent's listening address
 * must not depend on DNS at start-up. */
static int resolve_host(const char *host, bool v6, in_port_t port,
			struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (!v6 && !strcmp(host, "localhost"))
		host = "127.0.0.1";
	if (v6 && inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = port;
		*len = sizeof(*a6);
		return 0;
	}
	if (!v6 && inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = port;
		*len = sizeof(*a4);
		return 0;
	}
	return -EINVAL;
}

static int parse_any(in_port_t port, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	a->sin6_family = AF_INET6;
	a->sin6_addr = in6addr_any;
	a->sin6_port = port;
	*len = sizeof(*a);
	return 0;
}

int server_parse_addr(const char *addr, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[256];
	const char *colon, *h = addr;
	size_t hlen;
	in_port_t port;
	bool v6 = false;

	if (!addr || !(colon = strrchr(addr, ':')))
		return -EINVAL;
	if (*addr == '[') {
		const char *close = strchr(addr, ']');

		if (!close || close + 1 != colon)
			return -EINVAL;
		h = addr + 1;
		hlen = close - h;
		v6 = true;
	} else {
		hlen = colon - addr;
		if (memchr(addr, ':', hlen)) /* IPv6 without brackets */
			return -EINVAL;
	}
	if (parse_port(colon + 1, &port) || hlen >= sizeof(host) || (v6 && !hlen))
		return -EINVAL;
	if (!hlen)
		return parse_any(port, ss, len);
	memcpy(host, h, hlen);
	host[hlen] = 0;
	return resolve_host(host, v6, port, ss, len);
}

/* ---- listening socket ---- */

static int listen_on(const struct sockaddr_storage *ss, socklen_t len, bool any)
{
	int fd, one = 1, zero = 0, err;

	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* SO_REUSEADDR: a restarted agent can bind while old connections sit in
	 * TIME_WAIT; it does not let two listeners share the port on Linux. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (any && ss->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, (const struct sockaddr *)ss, len) || listen(fd, 64)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* ":PORT" on a host without IPv6 falls back to IPv4's any address. */
static int listen_any_v4(in_port_t port)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *a = (struct sockaddr_in *)&ss;

	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_ANY);
	a->sin_port = port;
	return listen_on(&ss, sizeof(*a), true);
}

static int open_listener(const char *addr, int *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	bool any = addr[0] == ':';
	int fd;

	if (server_parse_addr(addr, &ss, &len)) {
		log_err("metrics server: invalid address '%s' (want HOST:PORT, [IPV6]:PORT or :PORT)",
			addr);
		return -EINVAL;
	}
	fd = listen_on(&ss, len, any);
	if (fd == -EAFNOSUPPORT && any)
		fd = listen_any_v4(((struct sockaddr_in6 *)&ss)->sin6_port);
	if (fd < 0) {
		log_err("metrics server: cannot listen on %s: %s", addr, strerror(-fd));
		return fd;
	}
	len = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &len);
	*port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
					       : ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

/* ---- requests ---- */

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status, const char *type,
			     char *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mode);
	enum MHD_Result ret;

	if (!r) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned int status, const char *msg)
{
	return reply(c, status, "text/plain; charset=utf-8", (char *)msg, strlen(msg),
		     MHD_RESPMEM_MUST_COPY);
}

static enum MHD_Result serve_metrics(struct server *s, struct MHD_Connection *c)
{
	char *buf;
	size_t len;

	if (metrics__render(s->cb.metrics, &buf, &len))
		return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
	return reply(c, MHD_HTTP_OK, CONTENT_TYPE_METRICS, buf, len, MHD_RESPMEM_MUST_FREE);
}

static bool check(server_check_fn fn, void *ctx, const char *what, char *why, size_t len)
{
	char reason[200] = "";

	if (!fn || fn(ctx, reason, sizeof(reason)))
		return true;
	snprintf(why, len, "%s: %s\n", what, reason[0] ? reason : "no reason given");
	return false;
}

static enum MHD_Result serve_health(struct server *s, struct MHD_Connection *c)
{
	char why[256];

	if (!check(s->cb.ready, s->cb.ctx, "not ready", why, sizeof(why)) ||
	    !check(s->cb.healthy, s->cb.ctx, "unhealthy", why, sizeof(why)))
		return reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, why);
	return reply_text(c, MHD_HTTP_OK, "ok\n");
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_len, void **req)
{
	static int first_call;
	struct server *s = cls;
	bool known = !strcmp(url, "/healthz") || (!strcmp(url, "/metrics") && s->cb.metrics);

	(void)version;
	(void)upload;
	/* the first call only announces the headers; answer once the (ignored)
	 * body has been read */
	if (!*req) {
		*req = &first_call;
		return MHD_YES;
	}
	if (*upload_len) {
		*upload_len = 0;
		return MHD_YES;
	}
	if (!known)
		return reply_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed\n");
	if (!strcmp(url, "/metrics"))
		return serve_metrics(s, c);
	return serve_health(s, c);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = 0;
	log_debug("metrics server: %s", msg);
}

/* ---- lifetime ---- */

struct server *server__new(const char *addr, const struct server_callbacks *cb)
{
	struct server *s;
	int fd, err;

	if (!addr || !cb) {
		errno = EINVAL;
		return NULL;
	}
	if (!(s = calloc(1, sizeof(*s)))) {
		errno = ENOMEM;
		return NULL;
	}
	s->cb = *cb;
	if ((fd = open_listener(addr, &s->port)) < 0) {
		err = -fd;
		goto err_free;
	}
	s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL,
				NULL, handle, s, MHD_OPTION_LISTEN_SOCKET, fd,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)CONNECTION_TIMEOUT_S,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)CONNECTION_LIMIT,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_END);
	if (!s->d) {
		err = errno ? errno : EIO;
		log_err("metrics server: cannot start on %s: %s", addr, strerror(err));
		close(fd);
		goto err_free;
	}
	return s;
err_free:
	free(s);
	errno = err;
	return NULL;
}

void server__free(struct server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->d); /* closes the listening socket too */
	free(s);
}

int server__port(const struct server *s)
{
	return s->port;
}
