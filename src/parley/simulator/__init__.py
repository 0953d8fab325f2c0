"""The WhatsApp Cloud API simulator: Meta's Graph API and customers' phones, locally.

- Graph API under `/{version}/…`: send messages, media, templates, with Meta's answers.
- Customers: the phone page at `/` and the `/_sim` control API.
- Signed webhooks with Meta's payloads, statuses and retries; fault injection.

See `README.md` beside this file for the control API, options and faults.
"""

from .app import create_simulator_app
from .config import SimulatorOptions, default_retry_schedule
from .run import run_simulator, simulator_server
from .signing import sign, verify

__all__ = [
    "SimulatorOptions",
    "create_simulator_app",
    "default_retry_schedule",
    "run_simulator",
    "sign",
    "simulator_server",
    "verify",
]
