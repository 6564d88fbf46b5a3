"""The CLI's words: Click's own texts in Spanish, unknown filter values refused (exit 2), schedule writes the
database it will use, PDF prerequisites checked before anything is written, browser availability."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from crawler.runner import CrawlOptions, browser_status, new_run
from muniaudit import service
from muniaudit.cli import main
from muniaudit.progress import LogTail, log_path, loud_lines


def invoke(*args: str, env: dict | None = None, **kwargs):
    return CliRunner().invoke(main, list(args), env={"MUNIAUDIT_DB": None, **(env or {})}, **kwargs)


@pytest.fixture()
def store(tmp_path) -> str:
    """A store with the INEGI registry and one run over Tlajomulco (14097), not crawled."""
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    service.open_store(url).dispose()
    new_run(url, ["14097"], label="2026-11")
    return url


def test_help_is_spanish_including_clicks_own_texts():
    result = invoke("--help")
    assert result.exit_code == 0
    for spanish in ("Uso:", "[OPCIONES] COMANDO [ARGS]...", "Opciones:", "Comandos:", "Muestra esta ayuda y sale.",
                    "Muestra la versión y sale."):
        assert spanish in result.output, spanish
    for english in ("Usage:", "Options:", "Commands:", "Show this message", "Show the version"):
        assert english not in result.output, english
    sub = invoke("crawl", "--help").output
    assert "--page-budget ENTERO" in sub and "[por omisión: 300" in sub and "INTEGER" not in sub


@pytest.mark.parametrize(("args", "spanish"), [
    (["crawl", "--bogus"], "Error: No existe la opción '--bogus'."),
    (["crawl", "--render", "sometimes"], "Valor no válido para '--render': 'sometimes' no es uno de"),
    (["crawl", "--page-budget", "x"], "'x' no es un entero válido."),
    (["report"], "Error: Falta la opción '--out'."),
    (["compare"], "Falta el argumento 'CVEGEOS...'."),
    (["craw"], "No existe el comando 'craw'. ¿Quiso decir 'crawl'?"),
])
def test_usage_errors_are_spanish_and_exit_2(args, spanish):
    result = invoke(*args)
    assert result.exit_code == 2
    assert spanish in result.output, result.output
    assert "Pruebe '" in result.output and "Try '" not in result.output


def test_lang_en_switches_click_to_english_for_that_command_only(store, tmp_path):
    result = invoke("--db", store, "report", "--out", str(tmp_path / "en"), "--lang", "en", "--run", "99")
    assert result.exit_code == 2
    assert (tmp_path / "en").exists() is False
    assert "Usage:" not in invoke("--help").output          # the next command is Spanish again


def test_unknown_state_is_refused_with_exit_2(store):
    listed = invoke("--db", store, "municipalities", "list", "--state", "Jal.", "--format", "csv")
    assert listed.exit_code == 0 and "14097" in listed.output
    for command in (["municipalities", "list"], ["crawl"], ["run"]):
        result = invoke("--db", store, *command, "--state", "Narnia")
        assert result.exit_code == 2, (command, result.output)
        assert "--state Narnia: estado desconocido" in result.output


def test_unknown_keys_are_refused_with_exit_2(store, tmp_path):
    for command in (["crawl", "--cvegeo", "99999"],
                    ["municipalities", "discover", "--cvegeo", "99999", "--out", str(tmp_path / "c.csv")]):
        result = invoke("--db", store, *command)
        assert result.exit_code == 2 and "99999" in result.output, result.output
    assert not (tmp_path / "c.csv").exists()
    result = invoke("--db", store, "compare", "14097", "99999")
    assert result.exit_code == 2 and "99999" in result.output
    result = invoke("--db", store, "crawl", "--resume", "42")
    assert result.exit_code == 2 and "--resume 42: no existe la corrida 42" in result.output


def test_schedule_always_writes_the_database_it_will_use(tmp_path, monkeypatch):
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["schedule", "--kind", "cron"], env={"MUNIAUDIT_DB": None})
    assert result.exit_code == 0, result.output
    expected = f"--db sqlite:///{tmp_path.resolve() / 'muniaudit.sqlite'}"
    assert expected in result.output
    relative = runner.invoke(main, ["schedule"], env={"MUNIAUDIT_DB": "datos/m.sqlite"})
    assert f"--db sqlite:///{tmp_path.resolve() / 'datos' / 'm.sqlite'}" in relative.output
    given = runner.invoke(main, ["--db", "postgresql://u@db/muni", "schedule", "--kind", "systemd"])
    assert "--db postgresql://u@db/muni run" in given.output


def test_pdf_prerequisites_are_checked_before_anything_is_written(store, tmp_path):
    out = tmp_path / "site"
    result = invoke("--db", store, "report", "--out", str(out), "--pdf", "14097",
                    env={"MUNIAUDIT_CHROMIUM": str(tmp_path / "no-chromium")})
    assert result.exit_code == 2 and "Chromium" in result.output
    assert not out.exists()
    wrong_key = invoke("--db", store, "report", "--out", str(out), "--pdf", "14120")
    assert wrong_key.exit_code == 2 and "14120" in wrong_key.output and not out.exists()
    # the same store and folder do produce a site when no PDF is asked for: the refusals above were the check
    assert invoke("--db", store, "report", "--out", str(out)).exit_code == 0
    assert (out / "index.html").is_file()


def test_browser_status_says_why_there_is_none(tmp_path):
    missing = browser_status(CrawlOptions(settings={"MUNIAUDIT_CHROMIUM": str(tmp_path / "none")}))
    assert missing["available"] is False and "Chromium" in missing["reason"]
    assert browser_status(CrawlOptions(render="never")) == {"available": False, "render": "never",
                                                            "reason": "--render never"}
    fake = tmp_path / "chromium"
    fake.write_text("")
    assert browser_status(CrawlOptions(settings={"MUNIAUDIT_CHROMIUM": str(fake)}))["available"] in (True, False)


def test_log_file_sits_next_to_the_database_and_only_loud_lines_are_echoed(tmp_path):
    assert log_path(f"sqlite:///{tmp_path / 'a' / 'm.sqlite'}", 7) == tmp_path / "a" / "logs" / "run-7.log"
    assert log_path("postgresql://u@h/db", 3, cwd=tmp_path) == tmp_path / "logs" / "run-3.log"
    log = tmp_path / "run.log"
    log.write_text("2026-11-30 01:00:00 [scrapy.core.engine] INFO: Spider opened\n"
                   "2026-11-30 01:00:01 [portal] WARNING: robots.txt unreachable\n2026-11-30 01:00:02 [x] ERR", "utf-8")
    tail = LogTail(log)
    assert list(loud_lines(tail.lines())) == ["2026-11-30 01:00:01 [portal] WARNING: robots.txt unreachable"]
    with log.open("a", encoding="utf-8") as handle:
        handle.write("OR: boom\n")
    assert list(loud_lines(tail.lines())) == ["2026-11-30 01:00:02 [x] ERROR: boom"]   # whole once complete
    assert list(tail.lines()) == []


CHILD = ("import signal, sys, time\n"
         "signal.signal(signal.SIGTERM, lambda *a: (open(sys.argv[1], 'w').write('term'), sys.exit(0)))\n"
         "print('ready', flush=True)\ntime.sleep(60)\n")


def _child(tmp_path):
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path / "got")], stdout=subprocess.PIPE,
                            start_new_session=True, text=True)      # its own group: only the relay can reach it
    assert proc.stdout.readline().strip() == "ready"
    return proc


def test_a_signal_to_the_cli_alone_reaches_the_crawl_once(tmp_path, monkeypatch):
    import os
    import signal

    from muniaudit.progress import SignalRelay

    monkeypatch.setattr(SignalRelay, "GRACE_SECONDS", 0.0)
    child = _child(tmp_path)
    with SignalRelay(child) as relay:
        os.kill(os.getpid(), signal.SIGTERM)           # handled: this process goes on
        relay.watch(["2026-11-30 [scrapy.core.engine] INFO: Spider opened"])
        assert child.wait(timeout=10) == 0
    assert (tmp_path / "got").read_text() == "term"
    assert signal.getsignal(signal.SIGTERM) is not relay._handle      # handlers restored


def test_a_signal_the_crawl_already_logged_is_not_sent_twice(tmp_path, monkeypatch):
    import os
    import signal
    import subprocess

    from muniaudit.progress import SignalRelay

    monkeypatch.setattr(SignalRelay, "GRACE_SECONDS", 0.0)
    child = _child(tmp_path)
    try:
        with SignalRelay(child) as relay:
            os.kill(os.getpid(), signal.SIGTERM)
            relay.watch(["[scrapy.crawler] INFO: Received SIGTERM, shutting down gracefully. Send again to force"])
            relay.watch([])
            with pytest.raises(subprocess.TimeoutExpired):      # had it been relayed, the child would exit
                child.wait(timeout=1.0)
            assert not (tmp_path / "got").exists()
    finally:
        child.kill()
        child.wait()


def test_the_clis_own_counts_agree_with_their_number(store):
    one = invoke("--db", store, "municipalities", "list", "--state", "99", "--format", "table")
    assert one.exit_code == 2                                  # no such state in the registry
    listed = invoke("--db", store, "municipalities", "list", "--state", "Colima")
    assert listed.exit_code == 0 and listed.output.rstrip().endswith("10 municipios")
    from muniaudit.cli import count

    assert count(1, "archivo", "archivos") == "1 archivo" and count(0, "archivo", "archivos") == "0 archivos"
