"""Records: every revision kept, and verifiable exports of an account, a hashtag or a case."""

from madang.records.export import ExportResult, export_records
from madang.records.log import list_exports
from madang.records.scopes import Scope, check_range, check_scope, exporting_organisation
from madang.records.verify import manifest_sha256, verify_export

__all__ = ["ExportResult", "Scope", "check_range", "check_scope", "export_records", "exporting_organisation",
           "list_exports", "manifest_sha256", "verify_export"]
