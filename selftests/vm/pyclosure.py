# SPDX-License-Identifier: GPL-2.0
"""Print the files of every module SCRIPT imports (run as `SCRIPT --help`),
so the VM carries only the part of the standard library the YNL client
needs."""
import runpy
import sys

script = sys.argv[1]
sys.argv = [script, '--help']
sys.path.insert(0, script.rsplit('/', 1)[0])
saved = sys.stdout
sys.stdout = open('/dev/null', 'w')
try:
    runpy.run_path(script, run_name='__main__')
except SystemExit:
    pass
sys.stdout = saved
# Imported lazily, at run time, by the client or the interpreter.
import encodings.ascii, encodings.latin_1, json.decoder, json.encoder, json.scanner  # noqa
# What the selftest driving the client imports.
import subprocess, threading, signal, selectors  # noqa
# rcmgr_admin.sh parses "rcmgr metrics" with Debian's Prometheus client.
try:
    import prometheus_client.parser  # noqa
except ImportError:
    pass

for mod in list(sys.modules.values()):
    f = getattr(mod, '__file__', None)
    if f and f.startswith('/usr/lib/python3') and '/ynl/' not in f:
        print(f)
