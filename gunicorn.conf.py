"""Gunicorn's configuration, read from the working directory (``./dev load`` and
docs/deployment.md run gunicorn from the repository's root).

The application is loaded once in the master process, and before the workers are forked
what every process keeps for good is loaded and frozen out of the garbage collector's
full collections (mentoring.heap). Command-line options (workers, threads, bind,
``--no-control-socket``) still apply."""

preload_app = True


def when_ready(server):
    from mentoring.heap import freeze_warm_heap

    frozen = freeze_warm_heap()
    if frozen:
        server.log.info("froze %s objects out of the garbage collector's full collections", frozen)
