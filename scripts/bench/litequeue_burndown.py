"""The peer for jobs-burndown: litequeue (Python, SQLite WAL) on the same disk.

    python3 litequeue_burndown.py [JOBS]

Enqueues JOBS messages (one per transaction, as litequeue's put does), then drains them in one
process with pop + done, the way its workers run. Reports both with litequeue's own
durability setting (synchronous=NORMAL) and with synchronous=FULL, which Switchyard uses.
"""
import json
import os
import sys
import tempfile
import time

from litequeue import LiteQueue


def run(jobs: int, synchronous: str) -> None:
    folder = tempfile.mkdtemp(prefix="litequeue-bench-")
    queue = LiteQueue(os.path.join(folder, "queue.sqlite"))
    queue.conn.execute(f"PRAGMA synchronous = {synchronous}")
    start = time.perf_counter()
    for n in range(jobs):
        queue.put(json.dumps({"n": n}))
    enqueue = jobs / (time.perf_counter() - start)
    start = time.perf_counter()
    done = 0
    while True:
        message = queue.pop()
        if message is None:
            break
        json.loads(message.data)
        queue.done(message.message_id)
        done += 1
    elapsed = time.perf_counter() - start
    assert done == jobs, f"drained {done} of {jobs}"
    print(
        f"litequeue synchronous={synchronous}: {jobs} jobs in {elapsed:.2f} s = {int(jobs / elapsed)} jobs/s burn-down; "
        f"enqueue {int(enqueue)} jobs/s (one per transaction)"
    )


if __name__ == "__main__":
    jobs = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    for setting in ("NORMAL", "FULL"):
        run(jobs, setting)
