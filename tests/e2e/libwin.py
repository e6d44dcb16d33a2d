# Shared by the Windows e2e scripts (win_*.sh) that drive hvnc.exe under Wine from python3:
# imported through PYTHONPATH=tests/e2e (not a test itself).
import glob, signal, subprocess, time


def sigint(p):
    """Sends SIGINT (Wine's CTRL_C_EVENT) to p; returns (exit status, seconds to exit)."""
    t = time.time()
    p.send_signal(signal.SIGINT)
    try:
        rc = p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = "no exit within 10 s"
    return rc, time.time() - t


def switches(pid):
    """Context switches (voluntary and not) of every thread of process pid so far."""
    n = 0
    for f in glob.glob("/proc/%d/task/*/status" % pid):
        try:
            for line in open(f):
                if line.startswith(("voluntary_ctxt", "nonvoluntary_ctxt")):
                    n += int(line.split()[1])
        except OSError:
            pass
    return n
