"""Errors a user can act on. The CLI prints their message on one line and exits with `exit_code`."""


def first_line(error: BaseException) -> str:
    """What a one-line report of any error shows: its message's first line, or its type when it has none."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class FitlakeError(Exception):
    exit_code = 1


class UsageError(FitlakeError):
    """The command was asked for something that does not exist or cannot be parsed."""

    exit_code = 2


class SettingsError(UsageError):
    pass


class SecretsRefused(SettingsError):
    """The secrets at hand are missing or are not the ones the lakehouse's tables were made with: nothing is written
    until the right ones are restored (fitlake.privacy)."""


class LakehouseBusy(UsageError):
    """Another process is writing this lakehouse (fitlake.lock). Exit 2: a scheduler retries on purpose, where a silent
    queue would do a day's work twice."""


class TableDamaged(FitlakeError):
    """A table's Delta log cannot be read (a torn or garbled commit file); the message names the table and the file."""


class QueryRefused(UsageError):
    """An analyst's SQL is not one read-only query (fitlake.readonly_sql): a write, DDL, a file read by path."""


class EngineUnavailable(FitlakeError):
    """An engine's prerequisites are missing; the message says what to install or configure."""


class ContractViolation(FitlakeError):
    """Data or a table on disk does not match its declared contract."""


class LandingEmpty(FitlakeError):
    """There are no raw files to ingest."""


class ReconciliationError(FitlakeError):
    """Rows were lost or invented between layers: bronze rows != silver + quarantined + duplicates."""


class TaskFailed(FitlakeError):
    """Tasks of a workflow run failed; `outcomes` says how each task of the run ended (fitlake.workflow)."""

    def __init__(self, message: str, outcomes: list | None = None) -> None:
        super().__init__(message)
        self.outcomes = outcomes or []


class DeployError(FitlakeError):
    """The workspace refused a deployment step, or could not be reached with the credentials given."""


class StaleDocs(FitlakeError):
    """The committed data dictionary or ERD no longer matches the table contracts (`fitlake docs --check`)."""


class NotEnoughHistory(FitlakeError):
    """The data does not yet span what a model needs to be trained and judged (a new gym, a short export)."""


class NoChampionModel(FitlakeError):
    """Scoring was asked for, but no model version holds the `champion` alias yet: run `fitlake train`."""
