# Shared by the Windows e2e scripts (win_*.sh) that drive hvnc.exe under Wine from python3:
# imported through PYTHONPATH=tests/e2e (not a test itself).
import glob, os, signal, subprocess, threading, time


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


def most_threads(pid, run):
    """Runs run() while sampling the thread count of process pid every 50 ms; returns
    (run's result, the most threads seen)."""
    most = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            try:
                most[0] = max(most[0], len(os.listdir("/proc/%d/task" % pid)))
            except OSError:
                pass
            time.sleep(0.05)
    threading.Thread(target=sample, daemon=True).start()
    try:
        return run(), most[0]
    finally:
        done.set()
