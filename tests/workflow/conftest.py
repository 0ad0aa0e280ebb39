"""Fixtures of the workflow tests."""
import pytest


@pytest.fixture()
def validate(app, tmp_path):
    """Write {name: text} to a folder and run `processes validate` on them: (exit code, printed lines)."""
    def run(files):
        for name, text in files.items():
            (tmp_path / name).write_text(text, encoding="utf-8")
        result = app.test_cli_runner().invoke(args=["processes", "validate", *[str(tmp_path / n) for n in files]])
        assert "Traceback" not in result.output
        return result.exit_code, result.output.splitlines()
    return run
