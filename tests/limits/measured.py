"""Run a command under memory and CPU ceilings and report its own peak resident memory.

    python measured.py REPORT_FILE COMMAND...

Linux counts a process's peak resident memory from before its `exec`: a command forked
straight from the test process (which grows to a few hundred MB over a whole suite) would
report the test process's size, not its own. This small launcher is forked from the test
process instead; the command is forked from it, so what wait4 reports is the command's peak
(plus this launcher's few MB). REPORT_FILE gets "EXIT_CODE PEAK_KB"; the command's standard
streams are this launcher's.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys

MEMORY_CEILING = 400 << 20  # address space: the commands run in about 90 MB resident
CPU_SECONDS = 60


def _ceilings() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CEILING, MEMORY_CEILING))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def main() -> int:
    report, *command = sys.argv[1:]
    child = subprocess.Popen(command, preexec_fn=_ceilings)  # the ceilings apply to it only
    _pid, status, usage = os.wait4(child.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    with open(report, "w", encoding="ascii") as out:
        out.write(f"{code} {usage.ru_maxrss}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
