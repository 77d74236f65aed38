#!/usr/bin/python3
"""Loopback TCP to the throwaway cluster's Unix socket, for pgJDBC (which
speaks TCP only): listens on 127.0.0.1 on a free port, writes the port to
PORT_FILE and copies bytes both ways for each connection until killed.

Usage: tcp_proxy.py SOCKET_PATH PORT_FILE
"""
import socket
import sys
import threading


def pipe(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(client, path):
    upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        upstream.connect(path)
    except OSError:
        client.close()
        return
    threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
    threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()


def main():
    path, port_file = sys.argv[1], sys.argv[2]
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    with open(port_file + ".tmp", "w") as f:
        f.write("%d\n" % listener.getsockname()[1])
    import os
    os.rename(port_file + ".tmp", port_file)
    while True:
        client, _ = listener.accept()
        serve(client, path)


if __name__ == "__main__":
    main()
