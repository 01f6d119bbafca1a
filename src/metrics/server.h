/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The agent's HTTP endpoint (libmicrohttpd, its own thread):
 *   GET /metrics  the registry in the Prometheus text format 0.0.4
 *   GET /healthz  200 "ok" when ready and healthy, else 503 and the reason
 * anything else 404 (405 for another method on those two paths).
 */
#ifndef CACTUS_AGENT_SERVER_H
#define CACTUS_AGENT_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

struct metrics;

/* Both called on the HTTP thread, so they must be thread safe (reading an
 * atomic flag or a timestamp the consumer thread updates is enough). Each
 * returns true, or false with a one-line reason in @why. NULL = always. */
typedef bool (*server_check_fn)(void *ctx, char *why, size_t len);

struct server_callbacks {
	struct metrics *metrics;       /* NULL: /metrics answers 404 */
	server_check_fn ready;         /* attached and consuming */
	server_check_fn healthy;       /* e.g. the consumer made progress lately */
	void *ctx;
};

struct server;

/*
 * Listens on @addr: "IPV4:PORT", "localhost:PORT", "[IPV6]:PORT", or ":PORT"
 * for every address (IPv6 socket accepting IPv4 too, IPv4 only when the host
 * has no IPv6). PORT 0 picks a free port (see server__port). NULL with errno
 * set and one line on stderr saying why: EINVAL for a malformed address,
 * EADDRINUSE when the port is taken, EACCES for a privileged port, ...
 */
struct server *server__new(const char *addr, const struct server_callbacks *cb);

/* Stops accepting, ends open connections and joins the thread: returns
 * within the connection timeout (1 s) even with a client stalled mid-request. */
void server__free(struct server *s);

/* The port actually bound. */
int server__port(const struct server *s);

/* Parses @addr as server__new does, into @ss (port in network order). */
int server_parse_addr(const char *addr, struct sockaddr_storage *ss, socklen_t *len);

#endif
