#!/usr/bin/python3
"""rpc_client.py: one dump or one restore through CRIU's RPC interface.

Starts `criu swrk FD` on one end of a SOCK_SEQPACKET socket pair, sends it
one criu_req built with the rpc_pb2 module of a CRIU build tree, and reads
the criu_resp. The request names a CRIU configuration file (the
`config_file` option) as a container runtime does with its own file, so
whatever that file sets (here `libdir DIR`) applies to the request.

    rpc_client.py --criu CRIU --pb2 DIR --images DIR --config FILE \
        --log NAME [--pid PID] [--pidfile FILE] dump|restore

--pb2 is the folder holding rpc_pb2.py (a build tree's lib/pycriu).
Exits 0 when CRIU answers success, 1 when it answers failure (its errno
and message are printed), 2 on a usage or protocol error. On a restore,
the restored pid is printed and written to --pidfile.
"""
import argparse
import os
import socket
import subprocess
import sys

# CRIU's answers are small; one datagram holds a whole criu_resp.
MAX_RESP = 1 << 20
SWRK_TIMEOUT = 120


def parse_args():
    p = argparse.ArgumentParser(description="one dump or restore over criu swrk")
    p.add_argument("--criu", required=True, help="the criu binary")
    p.add_argument("--pb2", required=True, help="folder of CRIU's rpc_pb2.py")
    p.add_argument("--images", required=True, help="images folder")
    p.add_argument("--config", required=True, help="CRIU configuration file for the request")
    p.add_argument("--log", required=True, help="log file name, in the images folder")
    p.add_argument("--pid", type=int, help="the task to dump")
    p.add_argument("--pidfile", help="where a restore writes the restored pid")
    p.add_argument("action", choices=["dump", "restore"])
    a = p.parse_args()
    if a.action == "dump" and a.pid is None:
        p.error("dump needs --pid")
    return a


def request(rpc, a, images_fd):
    req = rpc.criu_req()
    req.type = rpc.DUMP if a.action == "dump" else rpc.RESTORE
    # criu opens /proc/<this process>/fd/<images_fd>
    req.opts.images_dir_fd = images_fd
    req.opts.log_file = a.log
    req.opts.log_level = 4
    req.opts.config_file = a.config
    if a.action == "dump":
        req.opts.pid = a.pid
    return req


def main():
    a = parse_args()
    sys.path.insert(0, a.pb2)
    try:
        import rpc_pb2 as rpc
    except ImportError as e:
        print("rpc_client: no rpc_pb2 in %s: %s" % (a.pb2, e), file=sys.stderr)
        return 2
    images_fd = os.open(a.images, os.O_DIRECTORY)
    req = request(rpc, a, images_fd)
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    swrk = subprocess.Popen([a.criu, "swrk", str(theirs.fileno())], pass_fds=(theirs.fileno(),))
    theirs.close()
    try:
        ours.settimeout(SWRK_TIMEOUT)
        ours.send(req.SerializeToString())
        data = ours.recv(MAX_RESP)
    except OSError as e:
        print("rpc_client: talking to criu swrk: %s" % e, file=sys.stderr)
        swrk.kill()
        swrk.wait()
        return 2
    finally:
        ours.close()
    try:
        rc = swrk.wait(timeout=SWRK_TIMEOUT)
    except subprocess.TimeoutExpired:
        swrk.kill()
        swrk.wait()
        print("rpc_client: criu swrk did not exit", file=sys.stderr)
        return 2
    if not data:
        print("rpc_client: criu swrk closed the socket without an answer (exit %d)" % rc, file=sys.stderr)
        return 2
    resp = rpc.criu_resp()
    resp.ParseFromString(data)
    if resp.type != req.type:
        print("rpc_client: answer of type %d to a request of type %d" % (resp.type, req.type), file=sys.stderr)
        return 2
    if not resp.success:
        print("rpc_client: %s failed: errno %d: %s" % (a.action, resp.cr_errno, resp.cr_errmsg.strip()))
        return 1
    if a.action == "restore":
        print("rpc_client: restored pid %d" % resp.restore.pid)
        if a.pidfile:
            with open(a.pidfile, "w") as f:
                f.write("%d\n" % resp.restore.pid)
    else:
        print("rpc_client: dumped pid %d" % a.pid)
    return 0


if __name__ == "__main__":
    sys.exit(main())
