#!/usr/bin/env python3
"""The console test: busybox's ash driven through the serial console.

    tests/console/console_test.py BUILD_DIR [LOG]

Boots BUILD_DIR's kernel (`nodemo`, one CPU) with run.sh, whose serial port
is QEMU's stdio: this script is the terminal. It types command lines at the
interactive ash that init leaves on the console, keystroke bytes included
(Ctrl-C, the up arrow), and checks what comes back, as a student at the
prompt would see it. Nothing in the guest knows it is a test: the input
goes through the serial port, the kernel's terminal (raw mode for ash's line
editing, the foreground process group for Ctrl-C) and busybox unchanged.

Each check prints `ok N NAME` or `not ok N NAME` with what was seen; the
last line is `console_test: N passed, M failed`. Exit status 0 when every
check passed, 1 otherwise (the boot failed, a prompt never came, or a check
failed); the whole serial output is written to LOG when given.
"""
import os
import re
import select
import subprocess
import sys
import time

PROMPT = "@prompt@ "
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b.")


class Console:
    """The guest's serial console: bytes in, text out, with a time limit."""

    def __init__(self, build_dir, log):
        env = dict(os.environ, BUILD_DIR=build_dir)
        here = os.path.dirname(os.path.abspath(__file__))
        self.qemu = subprocess.Popen(
            [os.path.join(here, "..", "..", "run.sh"), "--cmdline", "nodemo",
             "--timeout", "600"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
        self.log = open(log, "w") if log else None
        self.seen = ""

    def read_until(self, text, limit):
        """Reads until text appears in the unread output: what came before
        it (raw), or None after limit seconds or when QEMU exits."""
        end = time.time() + limit
        while text not in self.seen:
            left = end - time.time()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.qemu.stdout], [], [], min(left, 0.5))
            if not ready:
                continue
            data = os.read(self.qemu.stdout.fileno(), 4096)
            if not data:
                return None
            chunk = data.decode(errors="replace")
            self.seen += chunk
            if self.log:
                self.log.write(chunk)
                self.log.flush()
        before, _, self.seen = self.seen.partition(text)
        return before

    def send(self, data):
        self.qemu.stdin.write(data.encode())
        self.qemu.stdin.flush()

    def run(self, line, limit=60):
        """Types line and Enter; what the command printed (escapes and the
        echo of the line taken out), or None when no prompt came back."""
        self.send(line + "\r")
        return clean(self.read_until(PROMPT, limit), line)

    def close(self):
        try:
            self.send("poweroff\r")
            self.qemu.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self.qemu.kill()
            self.qemu.wait()
        if self.log:
            self.log.close()


def clean(raw, line):
    """The output of a command: escapes and carriage returns out, and the
    first line, ash's echo of what was typed, dropped."""
    if raw is None:
        return None
    text = ESCAPES.sub("", raw).replace("\r", "")
    first, _, rest = text.partition("\n")
    return rest if not line.strip() or line.split()[0] in first else text


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, ok, seen):
        n = self.passed + self.failed + 1
        if ok:
            self.passed += 1
            print("ok %d %s" % (n, name))
        else:
            self.failed += 1
            print("not ok %d %s" % (n, name))
            for line in str(seen).splitlines()[-15:]:
                print("# " + line)
        sys.stdout.flush()


def number(pattern, text):
    """The first integer the regular expression's group catches, or None."""
    m = re.search(pattern, text or "")
    return int(m.group(1)) if m else None


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    con = Console(sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else None)
    c = Checks()
    try:
        if con.read_until("/ # ", 240) is None:
            c.check("the shell's prompt comes", False, con.seen)
            return 1
        # Quoted in two pieces: the echo of this line must not read as the prompt.
        out = con.run("PS1='%s''%s'" % (PROMPT[:4], PROMPT[4:]))
        c.check("the shell's prompt comes", out is not None, con.seen)
        if out is None:
            return 1

        out = con.run("echo $((6*7)) 'a  b' \"c $((1+1))\"")
        c.check("arithmetic and quoting", out == "42 a  b c 2\n", out)

        out = con.run("ls /bin | wc -l; busybox --list-full | grep -c '^bin/'")
        counts = [int(w) for w in (out or "").split()]
        c.check("ls /bin | wc -l: the applets busybox puts in /bin (and itself)",
                len(counts) == 2 and counts[0] == counts[1] and counts[0] > 10, out)

        out = con.run("echo written > /tmp/console; cat /tmp/console; rm /tmp/console")
        c.check("a redirection into /tmp, read back", out == "written\n", out)

        con.run("echo history$((40+2))")
        con.send("\x1b[A")          # ash redraws its prompt with the line recalled
        recalled = con.read_until("history$((40+2))", 30)
        out = con.run("")
        c.check("the up arrow recalls the last line", recalled is not None and out is not None
                and "history42" in out, out)

        con.run("shmhold -s 4 > /tmp/held &")
        out = con.run("sleep 1; cat /tmp/held")
        shmid = number(r"holds segment (\d+)", out)
        out = con.run("ipcs -m")
        row = re.search(r"^0x[0-9a-f]+ +%s +\S+ +\d+ +(\d+) +(\d+)" % shmid, out or "", re.M)
        c.check("ipcs -m lists a held segment: 4 MiB, attached once",
                shmid is not None and row is not None and row.group(1) == "4194304" and
                row.group(2) == "1", out)
        con.run("ipcrm -m %s" % shmid)
        out = con.run("ipcs -m")
        c.check("ipcrm -m marks it removed while attached",
                re.search(r" %s .* dest" % shmid, out or "") is not None, out)
        con.run("kill %1; wait; rm /tmp/held")
        out = con.run("ipcs -m")
        c.check("the segment is gone with its last attacher",
                out is not None and re.search(r"^0x[0-9a-f]+ +%s " % shmid, out, re.M) is None,
                out)

        out = con.run("sysctl -w machdep.pmap_mmu_optimize=0; sysctl machdep.pmap_mmu_optimize")
        c.check("sysctl -w sets the sharing switch and sysctl reads it",
                out is not None and out.count("machdep.pmap_mmu_optimize = 0") == 2, out)
        out = con.run("sysctl -w machdep.pmap_mmu_optimize=1")
        c.check("and back", out == "machdep.pmap_mmu_optimize = 1\n", out)

        out = con.run("free; vmstat | grep free_pages")
        free_kib = number(r"Mem: +\d+ +\d+ +(\d+)", out)
        pages = number(r"free_pages +(\d+)", out)
        c.check("free agrees with vmstat's free pages (within 1 %)",
                free_kib is not None and pages is not None and
                abs(free_kib - 4 * pages) <= 0.01 * 4 * pages, out)

        out = con.run("ps")
        # ps runs inside a fork of ash (no exec): its line is "{ps} sh", as on Linux.
        c.check("ps lists init, the shell and itself",
                out is not None and re.search(r" init( |$)", out, re.M) is not None and
                re.search(r" sh$", out, re.M) is not None and
                re.search(r"[{ ]ps[} ]", out) is not None, out)

        con.send("sleep 100\r")
        time.sleep(3)
        started = time.time()
        con.send("\x03")
        back = con.read_until(PROMPT, 30)
        out = con.run("echo alive $?")
        c.check("Ctrl-C ends a foreground sleep 100, and the shell lives",
                back is not None and time.time() - started < 20 and out == "alive 130\n",
                out)

        out = con.run("/tests/busybox null-read; echo status $?")
        c.check("a NULL read ends with 'Segmentation fault' and status 139",
                out is not None and "Segmentation fault" in out and "status 139" in out, out)
        # Ten more: a leak of even one page each would show. The shell and
        # the two files of the counts may take a few pages of their own.
        out = con.run("vmstat > /tmp/v1; for i in 1 2 3 4 5 6 7 8 9 10; do "
                      "/tests/busybox null-read 2>/dev/null; done; sleep 1; vmstat > /tmp/v2; "
                      "grep -h free_pages /tmp/v1 /tmp/v2; rm /tmp/v1 /tmp/v2")
        counts = [int(n) for n in re.findall(r"free_pages +(\d+)", out or "")]
        c.check("ten NULL reads leave the free pages where they were (within 4)",
                len(counts) == 2 and abs(counts[0] - counts[1]) <= 4, out)
    finally:
        con.close()
    print("console_test: %d passed, %d failed" % (c.passed, c.failed))
    return 0 if c.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
