"""CPU time an answer cost this process, leaving out threads that earlier tests left running.

``time.process_time`` counts every thread of the process. An xdist worker runs many tests one after another, and a
test's app may leave a power count or a design search running on a thread after the test ends (they finish in the
background by design). Its CPU would be charged to whatever request a later test is timing. ``OwnCpu`` remembers the
threads alive when it is made and subtracts their CPU from the process's.
"""

import threading
import time


class OwnCpu:
    """CPU seconds of the threads started since it was made (plus the caller's), read with ``seconds()``."""

    def __init__(self) -> None:
        current = threading.current_thread()
        self.foreign = {thread: 0.0 for thread in threading.enumerate() if thread is not current and thread.ident}

    def seconds(self) -> float:
        """The process's CPU seconds less the foreign threads' (a foreign thread that ended keeps its last reading:
        the process's clock keeps the CPU of ended threads)."""
        for thread in self.foreign:
            if thread.is_alive():
                try:
                    self.foreign[thread] = time.clock_gettime(time.pthread_getcpuclockid(thread.ident))
                except OSError:  # it ended between the two calls
                    pass
        return time.process_time() - sum(self.foreign.values())
