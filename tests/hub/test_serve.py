"""The hub's HTTP server socket: answers are not held back by Nagle's algorithm."""

import socket

from hub.runtime.serve import listening_socket


def test_the_listening_socket_names_tcp_so_asyncio_sets_nodelay_on_its_connections():
    sock = listening_socket("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
        sock.listen()
        client = socket.create_connection(sock.getsockname())
        accepted, _ = sock.accept()
        try:
            # What asyncio's transport checks before it sets TCP_NODELAY on a connection.
            assert accepted.proto == socket.IPPROTO_TCP
        finally:
            accepted.close()
            client.close()
    finally:
        sock.close()
