"""A client workload of the lab: holds an fcntl lock on FILE for its whole run and appends
checksummed records to it, each flushed to the server (fsync) before it counts; logs every
operation, with its time in nanoseconds, to LOG. Run inside a lab client (python3 of the host).

    writer.py FILE LOG [PERIOD]
"""
import fcntl
import os
import sys
import time
import zlib

path, log_path = sys.argv[1], sys.argv[2]
period = float(sys.argv[3]) if len(sys.argv) > 3 else 0.1
log = open(log_path, "a", buffering=1)
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
fcntl.lockf(fd, fcntl.LOCK_EX)
log.write(f"locked {time.time_ns()}\n")
n = 0
while True:
    n += 1
    record = f"record {n} {time.time_ns()}"
    line = f"{record} {zlib.crc32(record.encode()):08x}\n"
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
        log.write(f"ok {n} {time.time_ns()}\n")
    except OSError as e:
        log.write(f"error {n} {time.time_ns()} {e}\n")
    time.sleep(period)
