# SPDX-License-Identifier: GPL-2.0
"""Drive every op of Documentation/netlink/specs/rcmgr.yaml with the
kernel's own YNL client (tools/net/ynl/cli.py from linux-source-6.12),
knowing nothing but the spec, and check what the kernel answers.

Handles belong to the socket that opened them, so the steps of one conn's
or stream's life go in one cli.py run (--multi, one socket, in order); each
run happens in a fresh network namespace, where ids start at 5 (system is 1,
transient 2, allowlisted-system 3, allowlisted-transient 4) and follow
creation order."""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CLI = os.environ.get('YNL_CLI', os.path.join(HERE, 'ynl', 'cli.py'))
SPEC = os.environ.get('RCMGR_SPEC', os.path.join(HERE, 'rcmgr.yaml'))
UNLIMITED = (1 << 63) - 1
# Each cli.py or rcmgr run: a hang fails its test, not the whole run.
STEP_TIMEOUT = 60

results = []


def hexs(s):
    return s.encode().hex()


def cli(*args, ns=True):
    """Run cli.py (in a new netns unless ns=False); return (rc, out)."""
    cmd = ['python3', CLI, '--spec', SPEC, '--no-schema', '--output-json']
    cmd += list(args)
    if ns:
        cmd = ['unshare', '-n'] + cmd
    p = subprocess.run(cmd, capture_output=True, text=True,
                       timeout=STEP_TIMEOUT)
    return p.returncode, p.stdout + p.stderr


def multi(*ops):
    args = []
    for op, req in ops:
        args += ['--multi', op, json.dumps(req)]
    rc, out = cli(*args)
    if rc:
        raise AssertionError(out)
    return json.loads(out)


def test(fn):
    results.append(fn)
    return fn


@test
def conn_life():
    """conn-open, conn-set-peer, scope-reserve, scope-get, scope-release,
    span-begin, scope-done: ids 5 (conn), 6 (peer), 7 (span)."""
    r = multi(('conn-open', {'dir': 'inbound', 'usefd': True,
                             'endpoint': '/ip4/10.0.0.1/tcp/4001'}),
              ('conn-set-peer', {'id': 5, 'peer': hexs('P1')}),
              ('scope-reserve', {'id': 5, 'size': 1000, 'prio': 255}),
              ('scope-get', {'id': 5}),
              ('scope-get', {'kind': 'peer', 'peer': hexs('P1')}),
              ('scope-release', {'id': 5, 'size': 400}),
              ('span-begin', {'id': 5}),
              ('scope-reserve', {'id': 7, 'size': 50, 'prio': 101}),
              ('scope-get', {'id': 7}),
              ('scope-done', {'id': 7}),
              ('scope-get', {'kind': 'system'}),
              ('scope-done', {'id': 5}),
              ('scope-get', {'kind': 'system'}))
    assert r[0] == {'id': 5}, r[0]
    conn, peer = r[3], r[4]
    assert conn['kind'] == 'conn' and conn['dir'] == 'inbound', conn
    assert conn['endpoint'] == '/ip4/10.0.0.1/tcp/4001', conn
    assert conn['usefd'] is True and conn['peer'] == hexs('P1'), conn
    assert conn['usage']['conns-inbound'] == 1 and conn['usage']['fd'] == 1
    assert conn['usage']['memory'] == 1000, conn
    assert peer['kind'] == 'peer' and peer['usage']['memory'] == 1000, peer
    assert r[6] == {'id': 7}, r[6]
    span = r[8]
    assert span['kind'] == 'span' and span['parent'] == 5, span
    assert span['usage']['memory'] == 50, span
    assert r[10]['usage']['memory'] == 600, r[10]
    assert r[12]['usage'] == {k: 0 for k in r[12]['usage']}, r[12]


@test
def stream_life():
    """stream-open, stream-set-protocol, stream-set-service, scope-done."""
    r = multi(('stream-open', {'peer': hexs('P1'), 'dir': 'outbound'}),
              ('stream-set-protocol', {'id': 6, 'protocol': hexs('/ipfs/id/1.0.0')}),
              ('stream-set-service', {'id': 6, 'service': hexs('libp2p.identify')}),
              ('scope-reserve', {'id': 6, 'size': 4096, 'prio': 255}),
              ('scope-get', {'id': 6}),
              ('scope-get', {'kind': 'transient'}),
              ('scope-get', {'kind': 'protocol', 'protocol': hexs('/ipfs/id/1.0.0')}),
              ('scope-get', {'kind': 'service', 'service': hexs('libp2p.identify')}),
              ('scope-done', {'id': 6}),
              ('scope-get', {'kind': 'system'}))
    assert r[0] == {'id': 6}, r[0]
    s = r[4]
    assert s['kind'] == 'stream' and s['dir'] == 'outbound', s
    assert s['usage']['streams-outbound'] == 1, s
    assert s['usage']['memory'] == 4096, s
    assert r[5]['usage']['streams-outbound'] == 0, r[5]
    for scope in (r[6], r[7]):
        assert scope['usage']['streams-outbound'] == 1, scope
        assert scope['usage']['memory'] == 4096, scope
    assert all(v == 0 for v in r[9]['usage'].values()), r[9]


@test
def conn_bind_fd():
    """conn-bind-fd: cli.py has no socket to give; stdin is refused with
    ENOTSOCK and the conn stays unbound, charged, until done."""
    rc, out = cli('--multi', 'conn-open', json.dumps({'dir': 'outbound', 'usefd': True}),
                  '--multi', 'conn-bind-fd', json.dumps({'id': 5, 'fd': 0}))
    assert rc != 0 and 'error: -88' in out, out
    r = multi(('conn-open', {'dir': 'outbound', 'usefd': True}),
              ('scope-get', {'id': 5}),
              ('scope-done', {'id': 5}))
    assert r[1]['usefd'] is True and 'bound' not in r[1], r[1]


@test
def refusal_reported():
    """A limit refuses stream-open: EDQUOT, and the refusal names it."""
    script = (
        'python3 {cli} --spec {spec} --no-schema --do limit-set --json '
        '\'{{"class": "peer", "values": {{"streams-inbound": 0}}}}\' && '
        'python3 {cli} --spec {spec} --no-schema --do stream-open --json '
        '\'{{"peer": "{p}", "dir": "inbound"}}\''
    ).format(cli=CLI, spec=SPEC, p=hexs('P1'))
    p = subprocess.run(['unshare', '-n', 'sh', '-c', script],
                       capture_output=True, text=True, timeout=STEP_TIMEOUT)
    out = p.stdout + p.stderr
    assert p.returncode != 0, out
    assert 'error: -122' in out or 'Disk quota exceeded' in out, out


@test
def scope_dump():
    """scope-get dump: the fixed scopes in a fresh namespace."""
    rc, out = cli('--dump', 'scope-get')
    assert rc == 0, out
    kinds = [s['kind'] for s in json.loads(out)]
    assert kinds == ['system', 'transient', 'allowlisted-system',
                     'allowlisted-transient'], kinds
    rc, out = cli('--dump', 'scope-get', '--json', '{"kind": "transient"}')
    assert rc == 0 and [s['id'] for s in json.loads(out)] == [2], out


@test
def limits():
    """limit-set, limit-get (do and dump), limit-reset."""
    name = hexs('/ipfs/ping/1.0.0')
    script = (
        'set -e; Y="python3 {cli} --spec {spec} --no-schema --output-json"; '
        '$Y --do limit-set --json \'{{"class": "protocol", "name": "{n}", '
        '"values": {{"memory": 12345, "streams": {u}}}}}\'; '
        '$Y --do limit-get --json \'{{"class": "protocol", "name": "{n}"}}\'; '
        '$Y --dump limit-get; '
        '$Y --do limit-reset; '
        '$Y --do limit-get --json \'{{"class": "protocol", "name": "{n}"}}\''
    ).format(cli=CLI, spec=SPEC, n=name, u=UNLIMITED)
    p = subprocess.run(['unshare', '-n', 'sh', '-c', script],
                       capture_output=True, text=True, timeout=STEP_TIMEOUT)
    assert p.returncode == 0, p.stdout + p.stderr
    lines = [json.loads(x) for x in p.stdout.splitlines() if x.strip()]
    # limit-set and limit-reset have no reply.
    got, dump, after = [x for x in lines if x is not None]
    assert got['values']['memory'] == 12345, got
    assert got['values']['streams'] == UNLIMITED, got
    assert 'override' in got, got
    classes = [d['class'] for d in dump]
    assert classes[:9] == ['system', 'transient', 'service', 'service-peer',
                           'protocol', 'protocol-peer', 'peer', 'conn',
                           'stream'], classes
    assert classes[9:11] == ['allowlisted-system',
                             'allowlisted-transient'], classes
    assert len(dump) == 12 and 'override' in dump[11], dump
    # Back to the class default (autoscaled: it follows the RAM).
    assert after['values'] == dump[4]['values'], (after, dump[4])
    assert 'override' not in after, after


@test
def config():
    """config-get and config-set."""
    script = (
        'set -e; Y="python3 {cli} --spec {spec} --no-schema --output-json"; '
        '$Y --do config-set --json \'{{"max-owner-handles": 7}}\'; '
        '$Y --do config-get'
    ).format(cli=CLI, spec=SPEC)
    p = subprocess.run(['unshare', '-n', 'sh', '-c', script],
                       capture_output=True, text=True, timeout=STEP_TIMEOUT)
    assert p.returncode == 0, p.stdout + p.stderr
    c = json.loads(p.stdout.strip().splitlines()[-1])
    assert c is not None, p.stdout
    assert c['max-owner-handles'] == 7 and c['handles'] == 0, c


@test
def agrees_with_cli():
    """cli.py and the rcmgr CLI (librcmgr) decode the system scope alike."""
    rc, out = cli('--do', 'scope-get', '--json', '{"kind": "system"}', ns=False)
    assert rc == 0, out
    ynl = json.loads(out)
    ours = json.loads(subprocess.run([os.environ.get('RCMGR', 'rcmgr'), '-j',
                                      'scope', 'show', 'system'],
                                     capture_output=True, text=True,
                                     timeout=STEP_TIMEOUT,
                                     check=True).stdout)[0]
    assert ynl['kind'] == ours['kind'] == 'system'
    for part in ('usage', 'limit', 'peak', 'blocked'):
        assert len(ynl[part]) == 8, ynl[part]
        for key, val in ynl[part].items():
            mine = ours[part][key.replace('-', '_')]
            assert (UNLIMITED if mine == 'max' else mine) == val, (part, key)


@test
def bad_kind():
    """A kind outside the spec's checks: ERANGE from the policy."""
    rc, out = cli('--do', 'scope-get', '--json', '{"kind": 13}')
    assert rc != 0 and 'error: -34' in out, out


def main():
    if not os.path.exists(CLI):
        print('1..0 # SKIP no cli.py at ' + CLI)
        print('# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:1 error:0')
        return 4
    print('TAP version 13')
    print('1..%d' % len(results))
    passed = failed = 0
    for n, fn in enumerate(results, 1):
        try:
            fn()
            passed += 1
            print('ok %d %s' % (n, fn.__name__))
        except Exception as e:          # a failed check, or cli.py failing
            failed += 1
            for line in repr(e).splitlines():
                print('# ' + line)
            print('not ok %d %s' % (n, fn.__name__))
    print('# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0'
          % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
