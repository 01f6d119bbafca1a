#!/usr/bin/env python3
"""Checks packaging/ manifests for the fields an operator relies on.

usage: check_manifests.py daemonset|unit|config FILE
Prints one line per problem and exits 1 if there is any (0 otherwise).
"""
import sys

import yaml

UNIT_REQUIRED = {
    "ExecStart": "/usr/local/bin/cactus monitor --config /etc/cactus/cactus.yaml",
    "ExecReload": "/bin/kill -HUP $MAINPID",
    "Restart": "on-failure",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "NoNewPrivileges": "yes",
    "LimitMEMLOCK": "infinity",
}
UNIT_CAPS = {"CAP_BPF", "CAP_PERFMON", "CAP_SYS_ADMIN", "CAP_SYS_RESOURCE",
             "CAP_DAC_READ_SEARCH", "CAP_SYS_PTRACE", "CAP_NET_ADMIN", "CAP_KILL"}
UNIT_RW = {"/sys/fs/bpf", "/var/log/cactus"}

HOST_PATHS = {"/sys/fs/bpf", "/sys/kernel/tracing", "/sys/kernel/debug", "/sys/fs/cgroup",
              "/run/containerd/containerd.sock", "/var/run/docker.sock",
              "/run/crio/crio.sock", "/run/containerd", "/run/docker", "/run/runc",
              "/run/crun", "/var/lib/containers"}
READ_ONLY = {"/run/containerd", "/run/docker", "/run/runc", "/run/crun",
             "/var/lib/containers", "/etc/cactus"}


def unit_settings(path):
    settings = {}
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line and not line.startswith(("#", "[")) and "=" in line:
            key, value = line.split("=", 1)
            settings.setdefault(key, []).append(value)
    return settings


def check_unit(path):
    s = unit_settings(path)
    problems = [f"{k}: want {v!r}, have {s.get(k)}" for k, v in UNIT_REQUIRED.items()
                if s.get(k) != [v]]
    caps = set(" ".join(s.get("CapabilityBoundingSet", [])).split())
    if caps != UNIT_CAPS:
        problems.append(f"CapabilityBoundingSet: missing {sorted(UNIT_CAPS - caps)}, "
                        f"extra {sorted(caps - UNIT_CAPS)}")
    rw = set(" ".join(s.get("ReadWritePaths", [])).split())
    if not UNIT_RW <= rw:
        problems.append(f"ReadWritePaths: missing {sorted(UNIT_RW - rw)}")
    return problems


def by_kind(docs, kind):
    return [d for d in docs if d and d.get("kind") == kind]


def check_probe(c, port_names, problems):
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        get = (c.get(probe) or {}).get("httpGet", {})
        if get.get("path") != "/healthz" or get.get("port") not in port_names:
            problems.append(f"{probe}: want httpGet /healthz on a declared port, have {get}")


def check_mounts(pod, c, problems):
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    mounts = {m["name"]: m for m in c.get("volumeMounts", [])}
    if set(volumes) != set(mounts):
        problems.append(f"volumes and mounts differ: {sorted(set(volumes) ^ set(mounts))}")
    host = {v["hostPath"]["path"]: n for n, v in volumes.items() if "hostPath" in v}
    problems += [f"no hostPath volume for {p}" for p in sorted(HOST_PATHS - set(host))]
    for name, m in mounts.items():
        v = volumes.get(name, {})
        if "hostPath" in v and v["hostPath"]["path"] != m["mountPath"]:
            problems.append(f"{name}: host {v['hostPath']['path']} at {m['mountPath']}")
        if m["mountPath"] in READ_ONLY and not m.get("readOnly"):
            problems.append(f"{m['mountPath']} should be readOnly")
    bpffs = mounts.get(host.get("/sys/fs/bpf"), {})
    if bpffs.get("mountPropagation") != "Bidirectional":
        problems.append("/sys/fs/bpf: want mountPropagation Bidirectional")
    if "configMap" not in volumes.get(mounts.get("config", {}).get("name", ""), {}):
        problems.append("no ConfigMap volume named config")
    elif mounts["config"]["mountPath"] != "/etc/cactus":
        problems.append("the config is not mounted at /etc/cactus")


def check_container(pod, c, config_port, problems):
    if not (c.get("securityContext") or {}).get("privileged"):
        problems.append("container: want privileged")
    if c.get("args") != ["--config", "/etc/cactus/cactus.yaml"]:
        problems.append(f"args: {c.get('args')}")
    ports = {p.get("name"): p.get("containerPort") for p in c.get("ports", [])}
    if config_port not in ports.values():
        problems.append(f"metrics-addr port {config_port} is not a container port {ports}")
    check_probe(c, set(ports) | set(ports.values()), problems)
    limits = (c.get("resources") or {}).get("limits", {})
    if not {"cpu", "memory"} <= set(limits):
        problems.append(f"resources.limits: want cpu and memory, have {limits}")
    check_mounts(pod, c, problems)


def check_daemonset(path):
    docs = list(yaml.safe_load_all(open(path, encoding="utf-8")))
    problems = []
    ds, cms = by_kind(docs, "DaemonSet"), by_kind(docs, "ConfigMap")
    if len(ds) != 1 or len(cms) != 1:
        return [f"want one DaemonSet and one ConfigMap, have {len(ds)} and {len(cms)}"]
    config = yaml.safe_load(cms[0]["data"]["cactus.yaml"])
    config_port = int(str(config.get("metrics-addr", "")).rsplit(":", 1)[-1] or 0)
    pod = ds[0]["spec"]["template"]["spec"]
    if pod.get("hostPID") is not True:
        problems.append("hostPID: want true")
    if not ds[0]["spec"]["selector"]["matchLabels"].items() <= \
            ds[0]["spec"]["template"]["metadata"]["labels"].items():
        problems.append("selector does not match the pod labels")
    if len(pod.get("containers", [])) != 1:
        return problems + ["want one container"]
    check_container(pod, pod["containers"][0], config_port, problems)
    return problems


def check_config(path):
    doc = yaml.safe_load(open(path, encoding="utf-8"))
    return [] if isinstance(doc, dict) else [f"{path}: not a mapping"]


def main():
    kind, path = sys.argv[1], sys.argv[2]
    checks = {"daemonset": check_daemonset, "unit": check_unit, "config": check_config}
    try:
        problems = checks[kind](path)
    except (yaml.YAMLError, KeyError, TypeError, ValueError, OSError) as e:
        problems = [f"{type(e).__name__}: {e}"]
    for p in problems:
        print(f"{path}: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
