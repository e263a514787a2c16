"""How every bench server runs: uvicorn with httptools and uvloop, one worker, no access log,
on 127.0.0.1 only. Loads nothing of the product, so the independent app may use it."""

from __future__ import annotations

from typing import Any

import uvicorn


def serve(app: Any, *, port: int, **options: Any) -> None:
    uvicorn.run(app, host="127.0.0.1", port=port, access_log=False, log_config=None,
                http="httptools", loop="uvloop", lifespan="on", **options)
