"""Configuration: files, PROM_* overrides, secrets from the environment only, one-line errors."""

from pathlib import Path

import pytest

from prom_service.settings import ConfigError, env_var_name, load_settings


def write_config(tmp_path: Path, default: str, **environments: str) -> Path:
    (tmp_path / "default.toml").write_text(default)
    for name, body in environments.items():
        (tmp_path / f"{name}.toml").write_text(body)
    return tmp_path


REAL = Path(__file__).resolve().parents[2] / "config"


class TestLoading:
    def test_defaults_give_the_embedded_sqlite_database_and_the_simulator(self, tmp_path):
        settings = load_settings({"var_dir": str(tmp_path)}, environ={})
        assert settings["database.url"].startswith("sqlite:///")
        assert settings["sms.backend"] == "simulator"

    def test_environment_variables_override_files_with_the_default_type(self, tmp_path):
        settings = load_settings(
            {"var_dir": str(tmp_path)},
            environ={"PROM_SCHEDULER_TICK_SECONDS": "7", "PROM_DATABASE_ECHO": "true",
                     "PROM_SENDING_EXCLUDED_WEEKDAYS": "sat, sun"},
        )
        assert settings["scheduler.tick_seconds"] == 7
        assert settings["database.echo"] is True
        assert settings["sending.excluded_weekdays"] == ["sat", "sun"]

    def test_the_chosen_environment_file_is_applied(self, tmp_path):
        settings = load_settings({"var_dir": str(tmp_path)}, environ={"PROM_ENV": "test"})
        assert settings.environment == "test"
        assert settings["log_level"] == "WARNING"

    def test_env_var_names_follow_the_dotted_key(self):
        assert env_var_name("database.url") == "PROM_DATABASE_URL"
        assert env_var_name("twilio.from") == "PROM_TWILIO_FROM"


class TestErrors:
    def test_a_nonsense_database_url_names_the_setting(self, tmp_path):
        with pytest.raises(ConfigError, match=r"^PROM_DATABASE_URL: unsupported database 'nonsense'"):
            load_settings({"var_dir": str(tmp_path)}, environ={"PROM_DATABASE_URL": "nonsense://"})

    def test_a_wrongly_typed_variable_names_the_variable(self, tmp_path):
        with pytest.raises(ConfigError, match="PROM_SCHEDULER_TICK_SECONDS: expected int, got 'soon'"):
            load_settings({"var_dir": str(tmp_path)}, environ={"PROM_SCHEDULER_TICK_SECONDS": "soon"})

    def test_an_unknown_environment_is_refused(self, tmp_path):
        with pytest.raises(ConfigError, match="PROM_ENV"):
            load_settings({"var_dir": str(tmp_path)}, environ={"PROM_ENV": "staging-ish"})

    def test_a_secret_in_a_config_file_is_refused(self, tmp_path):
        config = write_config(tmp_path, (REAL / "default.toml").read_text(),
                              development='secret_key = "oops"\n')
        with pytest.raises(ConfigError, match="secrets come only from the environment"):
            load_settings(environ={}, config_dir=config)

    def test_an_unknown_key_in_a_config_file_is_refused(self, tmp_path):
        config = write_config(tmp_path, (REAL / "default.toml").read_text(), development="colour = 'blue'\n")
        with pytest.raises(ConfigError, match="colour: unknown setting"):
            load_settings(environ={}, config_dir=config)

    def test_production_requires_a_secret_key_and_postgresql(self, tmp_path):
        environ = {"PROM_ENV": "production", "PROM_PUBLIC_BASE_URL": "https://prom.example.org",
                   "PROM_TWILIO_ACCOUNT_SID": "AC1", "PROM_TWILIO_AUTH_TOKEN": "t", "PROM_TWILIO_FROM": "+447700900001"}
        with pytest.raises(ConfigError, match="PROM_SECRET_KEY: required"):
            load_settings({"var_dir": str(tmp_path)}, environ=environ)
        with pytest.raises(ConfigError, match="production needs PostgreSQL"):
            load_settings({"var_dir": str(tmp_path)}, environ={**environ, "PROM_SECRET_KEY": "k" * 40})

    def test_the_twilio_backend_requires_its_credentials(self, tmp_path):
        with pytest.raises(ConfigError, match="PROM_TWILIO_ACCOUNT_SID: required"):
            load_settings({"var_dir": str(tmp_path)}, environ={"PROM_SMS_BACKEND": "twilio"})

    def test_a_bad_sending_window_names_the_setting(self, tmp_path):
        with pytest.raises(ConfigError, match="PROM_SENDING_WINDOW_START: expected HH:MM"):
            load_settings({"var_dir": str(tmp_path)}, environ={"PROM_SENDING_WINDOW_START": "8am"})

    def test_a_tick_that_drains_longer_than_the_tick_is_refused(self, tmp_path):
        with pytest.raises(ConfigError, match="PROM_SCHEDULER_DRAIN_SHARE: a share of the tick, from 0 to below 1"):
            load_settings({"var_dir": str(tmp_path)}, environ={"PROM_SCHEDULER_DRAIN_SHARE": "1.5"})


class TestLocalSecretKey:
    def test_development_keeps_one_random_key_per_checkout(self, tmp_path):
        first = load_settings({"var_dir": str(tmp_path)}, environ={})["secret_key"]
        second = load_settings({"var_dir": str(tmp_path)}, environ={})["secret_key"]
        assert first == second and len(first) >= 40
