"""The project's side of Kaggle, through the kaggle package: credentials, download, status, output and submit.

Every call to Kaggle goes through `calling`, which turns the package's exceptions (and its habit of answering
a failure instead of raising one) into a one-line ProjectError that says what to do.
"""

import contextlib
import io
import json
import logging
import os
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path

from .config import ProjectError

log = logging.getLogger(__name__)


def credentials_file() -> Path | None:
    """kaggle.json where the kaggle package looks: KAGGLE_CONFIG_DIR when set, else ~/.kaggle, else
    $XDG_CONFIG_HOME/kaggle (~/.config/kaggle)."""
    if os.environ.get("KAGGLE_CONFIG_DIR"):
        folders = [Path(os.environ["KAGGLE_CONFIG_DIR"])]
    else:
        xdg = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
        folders = [Path.home() / ".kaggle", xdg / "kaggle"]
    return next((folder / "kaggle.json" for folder in folders if (folder / "kaggle.json").is_file()), None)


def credential_source() -> str | None:
    """Which credentials the kaggle package will use, in its own order; never their value."""
    if os.environ.get("KAGGLE_API_TOKEN"):
        return "KAGGLE_API_TOKEN"
    for name in ("access_token", "access_token.txt", "credentials.json"):  # `kaggle auth login` writes the last
        if (Path.home() / ".kaggle" / name).is_file():
            return str(Path.home() / ".kaggle" / name)
    if os.environ.get("KAGGLE_USERNAME") and os.environ.get("KAGGLE_KEY"):
        return "KAGGLE_USERNAME and KAGGLE_KEY"
    path = credentials_file()
    return str(path) if path else None


NO_CREDENTIALS = (
    "no Kaggle credentials found: set KAGGLE_API_TOKEN (or KAGGLE_USERNAME and KAGGLE_KEY), or put your token in"
    " ~/.kaggle/access_token (or kaggle.json in ~/.kaggle/); get one at https://www.kaggle.com/settings/api"
)


def warn_if_readable_by_others(path: Path | None) -> None:
    if path and os.name == "posix" and path.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH):
        log.warning("%s is readable by other users of this machine: run  chmod 600 %s", path, path)


def kaggle_api():
    """An authenticated KaggleApi, or one line that says which credentials to set.

    `import kaggle` authenticates on import and, without credentials, prints a page of help and raises
    SystemExit rather than an exception; both are caught here and replaced by that one line.
    """
    warn_if_readable_by_others(credentials_file())
    printed = io.StringIO()
    try:
        import requests  # installed with kaggle
    except ImportError:
        raise ProjectError("the kaggle package is missing: pip install kaggle") from None
    try:
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            from kaggle.api.kaggle_api_extended import KaggleApi

            api = KaggleApi()
            api.authenticate()
    except ImportError:
        raise ProjectError("the kaggle package is missing: pip install kaggle") from None
    except SystemExit:  # what the package does when it finds no credentials
        raise ProjectError(NO_CREDENTIALS) from None
    except requests.ConnectionError as error:  # an API token is checked with Kaggle when signing in
        raise ProjectError(f"could not reach Kaggle ({type(error).__name__}): check the network, then retry") from None
    except Exception as error:
        raise ProjectError(
            f"signing in to Kaggle failed ({one_line(error)}): check your credentials, or make new ones at"
            " https://www.kaggle.com/settings/api"
        ) from None
    return api


def one_line(error) -> str:
    return " ".join(str(error).split())


@contextlib.contextmanager
def calling(what: str, config: dict):
    """Run one request to Kaggle; a failure becomes one line naming `what` failed and what to do."""
    import requests  # installed with kaggle

    competition = config["competition"]
    try:
        yield
    except ProjectError:
        raise
    except requests.ConnectionError as error:  # no network, a proxy down
        raise ProjectError(f"could not reach Kaggle ({type(error).__name__}): check the network, then retry") from None
    except requests.HTTPError as error:
        code = error.response.status_code if error.response is not None else None
        hints = {
            401: "Kaggle refused the credentials: make a new token at https://www.kaggle.com/settings/api",
            403: f"Kaggle said no (403): accept the competition's rules at"
            f" https://www.kaggle.com/competitions/{competition}/rules, and check kaggle.username in config.yaml",
            404: f"Kaggle found no such competition or kernel (404): check competition ({competition}) and"
            " kaggle.kernel_slug in config.yaml",
            429: "Kaggle asks to slow down (429): wait a minute and retry",
        }
        raise ProjectError(hints.get(code, f"{what} failed: {one_line(error)}")) from None
    except Exception as error:  # bad metadata, a refused request: one line, not a traceback
        if "Permission 'kernels.get'" in str(error):  # what the package makes of a 403 on a kernel
            raise ProjectError(
                "Kaggle shows no such kernel to you: check kaggle.username and kaggle.kernel_slug in config.yaml,"
                " and push first"
            ) from None
        raise ProjectError(f"{what} failed: {one_line(error)}") from None


def kaggle_username(config: dict, api=None) -> str | None:
    """config.yaml's, else KAGGLE_USERNAME, else kaggle.json's, else the one Kaggle named for the API token."""
    if config["kaggle"]["username"]:
        return config["kaggle"]["username"]
    if os.environ.get("KAGGLE_USERNAME"):
        return os.environ["KAGGLE_USERNAME"]
    credentials = credentials_file()
    if credentials:
        try:
            username = json.loads(credentials.read_text()).get("username")
        except (ValueError, AttributeError):
            raise ProjectError(f"{credentials} is not valid kaggle.json: download a new one from Kaggle") from None
        if username:
            return username
    return api.config_values.get(api.CONFIG_NAME_USER) if api is not None else None


def kernel_ref(config: dict, api) -> str:
    """owner/slug of the project's kernel."""
    username = kaggle_username(config, api)
    if username is None:
        raise ProjectError("no Kaggle username: set kaggle.username in config.yaml")
    return f"{username}/{config['kaggle']['kernel_slug']}"


def download(config: dict, data_dir: Path, force: bool = False) -> Path:
    """The competition's files, unzipped into data_dir. They are extracted beside it and moved in only when
    complete, so an interrupted download never leaves half a data folder."""
    data_dir = Path(data_dir)
    if data_dir.is_symlink():  # replacing it would replace the link, not the folder it points to
        raise ProjectError(f"{data_dir} is a link: pass --data-dir {data_dir.resolve()} to download into its target")
    if data_dir.is_dir() and any(data_dir.iterdir()) and not force:
        raise ProjectError(f"{data_dir}/ already holds files: pass --force to replace them with a fresh download")
    api = kaggle_api()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=data_dir.parent, prefix=f".{data_dir.name}.") as temp:
        archive_dir, extracted = Path(temp) / "archive", Path(temp) / "files"
        with calling("the download", config), contextlib.redirect_stdout(io.StringIO()):
            api.competition_download_files(config["competition"], path=str(archive_dir), quiet=True)
        archives = list(archive_dir.glob("*.zip"))
        for archive in archives:
            try:
                with zipfile.ZipFile(archive) as zipped:
                    zipped.extractall(extracted)
            except zipfile.BadZipFile:
                raise ProjectError(f"{archive.name} is not a complete zip archive: download again") from None
        if not archives:  # a single file, served as it is
            shutil.copytree(archive_dir, extracted)
        old = Path(temp) / "old"
        try:
            if data_dir.exists():
                data_dir.rename(old)  # the old files go only once the new ones are in place
            extracted.rename(data_dir)
        except OSError as error:
            if old.exists() and not data_dir.exists():
                old.rename(data_dir)  # the old data back where it was
            raise ProjectError(
                f"could not replace {data_dir} ({error.strerror}): the old files are untouched; free the folder"
                " (is it open or a mount point?) and download again"
            ) from None
    names = sorted(path.name for path in data_dir.iterdir())
    log.info("downloaded %s into %s/: %s", config["competition"], data_dir, ", ".join(names))
    return data_dir


def pushed_version(config: dict, kernel_dir: Path, api) -> tuple[str, int | None]:
    """The kernel the last push made and its version (kaggle/pushed.json), else the kernel config.yaml names."""
    pushed = Path(kernel_dir) / "pushed.json"
    if pushed.is_file():
        answer = json.loads(pushed.read_text())
        return answer["kernel"], answer.get("version")
    return kernel_ref(config, api), None


def transient(error: BaseException) -> bool:
    """A failure worth asking again: a dropped connection, or Kaggle busy (429) or failing for a moment (5xx)."""
    import requests

    if isinstance(error, (requests.ConnectionError, requests.Timeout)):
        return True
    response = getattr(error, "response", None)
    return isinstance(error, requests.HTTPError) and response is not None and response.status_code in TRANSIENT


TRANSIENT = {429, 500, 502, 503, 504}


def poll(config: dict, what: str, ask, finished):
    """The one wait loop, for kernels and submissions: ask() until finished(answer), pausing kaggle.poll_seconds
    at first and twice as long each time, up to a minute. A dropped connection or a 429/5xx answer is asked
    again on the same schedule instead of ending a wait of hours; kaggle.wait_minutes bounds it all. Returns the
    last answer, finished or not: the caller says what that means."""
    import tenacity

    def note(state):
        if state.outcome.failed:
            log.info(
                "Kaggle did not answer (%s): asking again in %.0f s",
                one_line(state.outcome.exception()),
                state.next_action.sleep,
            )

    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception(transient) | tenacity.retry_if_result(lambda answer: not finished(answer)),
        wait=tenacity.wait_exponential(multiplier=config["kaggle"]["poll_seconds"], max=60),
        stop=tenacity.stop_before_delay(60 * config["kaggle"]["wait_minutes"]),
        before_sleep=note,
        retry_error_callback=lambda state: state.outcome.result(),  # the last answer, or its error raised again
    )
    with calling(what, config):
        return retrying(ask)


def status(config: dict, kernel_dir: Path, wait: bool = False) -> str:
    """The kernel's status; with wait, poll until it ends (complete, error or cancelled) or kaggle.wait_minutes
    pass. An error or a cancellation is a failure, with wait or without."""
    from kagglesdk.kernels.types.kernels_enums import KernelWorkerStatus

    api = kaggle_api()
    kernel, _ = pushed_version(config, kernel_dir, api)
    running = {KernelWorkerStatus.QUEUED, KernelWorkerStatus.RUNNING, KernelWorkerStatus.NEW_SCRIPT}

    def ask():
        answer = api.kernels_status(kernel)
        log.info("%s: %s", kernel, state_name(answer))
        return answer

    if wait:
        answer = poll(config, "the status request", ask, lambda answer: answer.status not in running)
    else:
        with calling("the status request", config):
            answer = ask()
    state, name = getattr(answer, "status", None), state_name(answer)
    if wait and state in running:  # also ends a loop whose answers never carry a status
        raise ProjectError(
            f"{kernel} is still {name} after {config['kaggle']['wait_minutes']} minutes: run status --wait"
            " again later, or raise kaggle.wait_minutes in config.yaml"
        )
    if state == KernelWorkerStatus.ERROR:
        message = one_line(getattr(answer, "failure_message", "") or "no message")
        raise ProjectError(f"the kernel {kernel} failed: {message}; `output` fetches its log")
    if state in (KernelWorkerStatus.CANCEL_REQUESTED, KernelWorkerStatus.CANCEL_ACKNOWLEDGED):
        raise ProjectError(f"the kernel {kernel} was cancelled ({name}): push it again to run it")
    return name


def state_name(answer) -> str:
    state = getattr(answer, "status", None)
    return state.name.lower() if state is not None else "unknown"


def output(config: dict, kernel_dir: Path, destination: Path, output_dir: Path) -> list[Path]:
    """The pushed kernel's output files (its run folder, submission.csv, ...) and its log, into destination; the
    kernel's complete runs then join the local ones in output_dir/runs/, so that `runs` lists them side by side."""
    api = kaggle_api()
    kernel, _ = pushed_version(config, kernel_dir, api)
    destination = Path(destination)
    with calling("fetching the kernel's output", config), contextlib.redirect_stdout(io.StringIO()):
        files, _ = api.kernels_output(kernel, str(destination), force=True, quiet=True)
    if not files:
        raise ProjectError(f"{kernel} has no output yet: `status --wait` until it is complete, then retry")
    log.info(
        "fetched %d files from %s into %s/: %s",
        len(files),
        kernel,
        destination,
        ", ".join(sorted({Path(name).relative_to(destination).parts[0] for name in files})),
    )
    from .outputs import import_runs

    for run_dir in import_runs(destination, output_dir, f"kaggle kernel {kernel}"):
        log.info("the kernel's run %s is in %s", run_dir.name, run_dir.parent)
    return [Path(name) for name in files]


def submit(
    config: dict,
    kernel_dir: Path,
    file: Path,
    data_dir: Path,
    message: str,
    wait: bool = False,
    ledger_dir: Path | None = None,
    run: str | None = None,
) -> None:
    """Check the file against sample_submission.csv, then submit it (file competitions) or the pushed kernel's
    version that wrote it (code competitions, kaggle.competition_kind: code). The ledger in ledger_dir records
    the submission against `run`, pending until Kaggle's scores come (--wait, or `runs --refresh`)."""
    file, sample_path = Path(file), Path(data_dir) / "sample_submission.csv"
    if not file.is_file():
        raise ProjectError(f"{file} not found: run train first, or pass --file")
    if not sample_path.is_file():
        raise ProjectError(f"{sample_path} not found: run download first, or pass --data-dir")
    import pandas as pd

    from .outputs import check_run
    from .submission import check_submission

    if (file.parent / "cv.json").is_file() or (file.parent / "run.json").is_file():  # a run's own: whole
        check_run(file.parent)
    check_submission(pd.read_csv(file), pd.read_csv(sample_path))
    api = kaggle_api()
    competition = config["competition"]
    if config["kaggle"]["competition_kind"] == "code":
        kernel, version = pushed_version(config, kernel_dir, api)
        if version is None:
            raise ProjectError("a code competition scores a pushed kernel: run push, wait for it, then submit")
        with calling("the submission", config):
            answer = api.competition_submit_code(file.name, message, competition, kernel, version, quiet=True)
        log.info("submitted %s version %s (its %s) to %s", kernel, version, file.name, competition)
    else:
        with calling("the submission", config), contextlib.redirect_stdout(io.StringIO()) as printed:
            answer = api.competition_submit(str(file), message, competition, quiet=True)
        if answer.message == api.COMPETITION_SUBMIT_UPLOAD_FAILED_MESSAGE:  # answered, not raised
            detail = one_line(printed.getvalue()) or "the upload did not complete"
            raise ProjectError(f"the submission's upload failed ({detail}): check the network, then submit again")
        log.info("submitted %s to %s: %s", file, competition, one_line(answer.message or "accepted"))
    ref = getattr(answer, "ref", None)
    if ref and ledger_dir is not None:
        from .ledger import record_submission

        record_submission(ledger_dir, ref, run, message)
    if wait and ref:
        wait_for_score(api, config, ref, ledger_dir)


def refresh(config: dict, ledger_dir: Path) -> int:
    """`runs --refresh`: Kaggle's answer to every submission the ledger holds as pending; how many were scored."""
    from .ledger import pending

    refs, api, scored = pending(ledger_dir), None, 0
    for ref in refs:
        api = api or kaggle_api()
        with calling("the submission status request", config):
            scored += record_answer(ledger_dir, ref, api.get_submission(int(ref)))
    log.info("%d of %d pending submissions scored by Kaggle since", scored, len(refs))
    return scored


def record_answer(ledger_dir: Path, ref, submission) -> bool:
    """Kaggle's final answer to submission `ref` into the ledger: complete with its scores, or error. False (and
    nothing recorded) while it is pending."""
    from kagglesdk.competitions.types.submission_status import SubmissionStatus

    from .ledger import record_score

    status = getattr(submission, "status", None)
    if status not in (SubmissionStatus.COMPLETE, SubmissionStatus.ERROR):
        return False
    state = "complete" if status == SubmissionStatus.COMPLETE else "error"
    record_score(ledger_dir, ref, state, submission.public_score, submission.private_score)
    return True


def wait_for_score(api, config: dict, ref: int, ledger_dir: Path | None = None) -> None:
    """Poll the submission until Kaggle scores it (complete) or cannot (error), or kaggle.wait_minutes pass; the
    ledger keeps the answer."""
    import requests
    from kagglesdk.competitions.types.submission_status import SubmissionStatus

    def ask():
        try:
            return api.get_submission(ref)
        except requests.HTTPError as error:  # right after submitting, Kaggle may not know it yet
            if error.response is None or error.response.status_code != 404:
                raise
            return None

    submission = poll(
        config,
        "the submission status request",
        ask,
        lambda answer: answer is not None and answer.status in (SubmissionStatus.COMPLETE, SubmissionStatus.ERROR),
    )
    status = submission.status if submission is not None else SubmissionStatus.PENDING
    if ledger_dir is not None:
        record_answer(ledger_dir, ref, submission)
    if status == SubmissionStatus.COMPLETE:
        public, private = submission.public_score or "hidden", submission.private_score or "hidden"
        log.info("scored: public %s, private %s", public, private)
    elif status == SubmissionStatus.ERROR:
        raise ProjectError(f"Kaggle could not score the submission: {one_line(submission.error_description)}")
    else:
        raise ProjectError(f"submission {ref} is still pending after {config['kaggle']['wait_minutes']} minutes")
