#!/usr/bin/python3
"""udp-answer-once.py: a datagram wait service's program (inetd's wait).

Its socket is fd 0, the listening datagram socket itself: it takes one
datagram, answers "ok" to its sender, and exits -- a program that does
take what it was started for, so spawnd never paces it as a looping one
(tests/21-exec-programs.bats, tests/23-inetd-conf.bats)."""
import socket

s = socket.socket(fileno=0)
data, peer = s.recvfrom(512)
s.sendto(b"ok", peer)
