"""EMR routes served by the emulation's handlers.

moto finds a backend's routes in the module named after the backend's module with
``models`` replaced by ``urls``: for ``cdk_emr.local.emr_models.EmrEmulationBackend`` that is
this module. Installing the backend class therefore routes EMR requests here, both for
``mock_aws`` and for the moto server.
"""

from moto.emr.urls import url_bases

from .emr_responses import EmrEmulationResponse

__all__ = ["url_bases", "url_paths"]

url_paths = {"{0}/$": EmrEmulationResponse.dispatch}
