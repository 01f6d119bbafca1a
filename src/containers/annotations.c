// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Kubernetes metadata in annotations and labels, whoever carries them: the
 * OCI annotations containerd's and CRI-O's CRI plugins write (oci.c reads
 * them from the runtime's state), and the labels kubelet put on docker
 * containers (docker.c). Pure.
 */
#include <stddef.h>
#include <string.h>

#include "containers/internal.h"

/* Annotations of the CRI plugins (containerd's, CRI-O's) and kubelet labels. */
static const struct {
	const char *key;
	size_t off, size;
} k8s_keys[] = {
#define K(k, f) { k, offsetof(struct container, f), sizeof(((struct container *)0)->f) }
	K("io.kubernetes.cri.sandbox-name", k8s_pod),
	K("io.kubernetes.cri.sandbox-namespace", k8s_namespace),
	K("io.kubernetes.cri.sandbox-uid", k8s_pod_uid),
	K("io.kubernetes.cri.container-name", k8s_container),
	K("io.kubernetes.cri.image-name", image),
	K("io.kubernetes.pod.name", k8s_pod),
	K("io.kubernetes.pod.namespace", k8s_namespace),
	K("io.kubernetes.pod.uid", k8s_pod_uid),
	K("io.kubernetes.container.name", k8s_container),
	K("io.kubernetes.cri-o.ImageName", image),
#undef K
};

void ct_oci_annotation(struct container *c, const char *key, const char *val)
{
	for (size_t i = 0; i < sizeof(k8s_keys) / sizeof(k8s_keys[0]); i++) {
		if (!strcmp(key, k8s_keys[i].key)) {
			ct_strlcpy((char *)c + k8s_keys[i].off, val, k8s_keys[i].size);
			return;
		}
	}
	if (!strcmp(key, "io.kubernetes.cri.container-type") ||
	    !strcmp(key, "io.kubernetes.cri-o.ContainerType")) {
		c->k8s_sandbox = !strcmp(val, "sandbox");
		/* CRI-O's annotations name CRI-O (podman copies others of them) */
		if (!strncmp(key, "io.kubernetes.cri-o.", 20) &&
		    (!c->runtime[0] || !strcmp(c->runtime, "runc")))
			ct_strlcpy(c->runtime, "cri-o", sizeof(c->runtime));
	} else if (!strcmp(key, "io.container.manager") && !strcmp(val, "libpod")) {
		ct_strlcpy(c->runtime, "podman", sizeof(c->runtime));
	}
}

/* The labels kubelet puts on docker containers (io.kubernetes.*) mean what
 * the CRI annotations mean; other labels are ignored. */
void ct_labels_set(struct container *c, const char *key, const char *val)
{
	if (!strcmp(key, "io.kubernetes.docker.type"))
		c->k8s_sandbox = !strcmp(val, "podsandbox");
	else
		ct_oci_annotation(c, key, val);
}
