"""PHI in logs: detectors, masking and bounded samplers of CloudWatch Logs and Cloud Logging.

Nothing here ever writes, prints or logs a matched value: detections carry a masked form and a
salted hash only. The samplers are opt-in (``CollectOptions.sample_logs``) and stop at their
bounds, recording what they did not read as gaps. See docs/phi.md.
"""

from auditor.collect.phi.detectors import DETECTORS, Detection, Scanner, UnknownDetector
from auditor.collect.phi.masking import Hasher

__all__ = ["DETECTORS", "Detection", "Hasher", "Scanner", "UnknownDetector"]
