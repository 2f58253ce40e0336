#!/usr/bin/env python3
"""Sorts a server's perf samples into where the time goes: kernel send / receive / epoll / thread hand-offs / other,
and user JIT / runtime / libc / managed (or JavaScript) code, as percent of samples and of one core.

    perf script -i perf.data > samples.txt
    bench/profile-categories.py samples.txt <server CPU % of one core over the recording>

Used for the "Where the time goes" table in docs/performance.md. A kernel sample counts as a send when its stack
passes through tcp_sendmsg or a send/write syscall (on loopback that includes delivery into the peer's socket).
"""
import collections
import sys


def category(frames):
    stack = ' '.join(frames)
    top = frames[0]
    if '[kernel' in top:
        if any(k in stack for k in ('tcp_sendmsg', 'sock_write_iter', 'sys_sendto', 'sys_writev')):
            return 'kernel: send (incl. loopback delivery to the peer)'
        if any(k in stack for k in ('tcp_recvmsg', 'sys_recvfrom', 'sock_read_iter', 'sys_read')):
            return 'kernel: receive'
        if 'ep_poll' in stack or 'epoll' in stack:
            return 'kernel: epoll wait'
        if 'futex' in stack or 'sched_yield' in stack:
            return 'kernel: futex / yield (thread hand-offs)'
        return 'kernel: other (scheduler, interrupts, page faults)'
    if 'libclrjit' in top:
        return 'user: JIT compiler'
    if 'libcoreclr' in top:
        return 'user: runtime (coreclr, GC)'
    if 'libc.so' in top:
        return 'user: libc'
    if 'perf-' in top or '[JIT]' in top or '/node' in top:
        return 'user: managed / JavaScript code'
    return 'user: other'


def main():
    path, cpu = sys.argv[1], float(sys.argv[2])
    counts = collections.Counter()
    for sample in open(path, encoding='utf-8', errors='replace').read().split('\n\n'):
        lines = [line.strip() for line in sample.strip().split('\n') if line.strip()]
        frames = [line.split(' ', 1)[1] for line in lines[1:] if ' ' in line]
        if frames:
            counts[category(frames)] += 1
    total = sum(counts.values())
    print('| where | share of samples | % of one core |')
    print('|---|---:|---:|')
    for name, n in sorted(counts.items()):
        print(f'| {name} | {100 * n / total:.0f} % | {cpu * n / total:.1f} |')


if __name__ == '__main__':
    main()
