"""A client workload of the lab: the second client. Holds FILE open for its whole run and tries,
every PERIOD seconds, to take the same fcntl lock the writer holds, without waiting for it; if it
ever gets it, it lets it go at once. Logs every attempt with its start and end time in nanoseconds
to LOG: "try START" as it begins, then "busy START END" (refused: another client holds it; "refused START END EIO" where the client's kernel
reports that refusal as EIO), "got
START END" (a lock violation while the writer believes it holds the lock), "error START END
MESSAGE". During grace the server answers a new lock with NFS4ERR_GRACE and the kernel retries it
with a growing delay, so an attempt can take as long as the grace and more: a "try" without its
end is an attempt still waiting.

    locker.py FILE LOG [PERIOD]
"""
import errno
import fcntl
import os
import sys
import time

path, log_path = sys.argv[1], sys.argv[2]
period = float(sys.argv[3]) if len(sys.argv) > 3 else 0.1
log = open(log_path, "a", buffering=1)
fd = os.open(path, os.O_RDWR)
log.write(f"opened {time.time_ns()}\n")
while True:
    start = time.time_ns()
    log.write(f"try {start}\n")
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        end = time.time_ns()
        fcntl.lockf(fd, fcntl.LOCK_UN)
        log.write(f"got {start} {end}\n")
    except OSError as e:
        end = time.time_ns()
        if e.errno in (errno.EAGAIN, errno.EACCES):
            log.write(f"busy {start} {end}\n")
        elif e.errno == errno.EIO:
            # Linux 7 answers a lock the server refused because another ganesha node holds it (a
            # conflict in the FSAL, its owner unknown to this server) with EIO where Linux 6.1
            # answered EAGAIN; its F_GETLK then reports the range unlocked. A refusal still.
            log.write(f"refused {start} {end} EIO\n")
        else:
            log.write(f"error {start} {end} {e}\n")
    time.sleep(period)
