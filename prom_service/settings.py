"""Configuration: `config/*.toml` files, overridden by `PROM_*` environment variables.

The keys of `config/default.toml` are the schema: an environment variable may only override a key that
exists there, and its text is converted to the type of the default. Secrets never live in files; they
come from the environment alone. Anything wrong stops start-up with one line naming the setting.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
ENVIRONMENTS = ("development", "test", "production")
SECRETS = ("secret_key", "twilio.auth_token", "pseudonym_key")
SMS_BACKENDS = ("simulator", "twilio")
DATABASE_SCHEMES = ("sqlite", "postgresql", "postgresql+psycopg")


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one line naming it."""


@dataclass(frozen=True)
class Settings:
    """Flat, dotted-key view of the merged configuration (`settings["database.url"]`)."""

    values: Mapping[str, Any]
    config_dir: Path = field(default=CONFIG_DIR)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def section(self, name: str) -> dict[str, Any]:
        """Return the keys under `name.` without the prefix."""
        prefix = name + "."
        return {k[len(prefix):]: v for k, v in self.values.items() if k.startswith(prefix)}

    @property
    def environment(self) -> str:
        return self.values["environment"]

    @property
    def is_sqlite(self) -> bool:
        return self.values["database.url"].startswith("sqlite")


def env_var_name(key: str) -> str:
    """`database.url` → `PROM_DATABASE_URL`."""
    return "PROM_" + key.replace(".", "_").upper()


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    config_dir: Path = CONFIG_DIR,
) -> Settings:
    """Merge default.toml, the environment's toml, `PROM_*` variables and explicit overrides."""
    environ = os.environ if environ is None else environ
    defaults = _flatten(_read_toml(config_dir / "default.toml"))
    env_name = (overrides or {}).get("environment") or environ.get("PROM_ENV") or "development"
    if env_name not in ENVIRONMENTS:
        raise ConfigError(f"PROM_ENV: must be one of {', '.join(ENVIRONMENTS)}, got {env_name!r}")
    values = dict(defaults)
    values.update(_checked_file_values(config_dir / f"{env_name}.toml", defaults))
    values.update(_environment_values(environ, defaults))
    values.update(_flatten(dict(overrides or {})))
    values["environment"] = env_name
    _add_secrets(values, environ, overrides or {})
    settings = Settings(values=values, config_dir=config_dir)
    validate(settings)
    return settings


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def _flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, dotted + "."))
        else:
            flat[dotted] = value
    return flat


def _checked_file_values(path: Path, defaults: Mapping[str, Any]) -> dict[str, Any]:
    values = _flatten(_read_toml(path)) if path.exists() else {}
    for key in values:
        if key in SECRETS:
            raise ConfigError(f"{path}: {key}: secrets come only from the environment ({env_var_name(key)})")
        if key not in defaults:
            raise ConfigError(f"{path}: {key}: unknown setting")
    return values


def _environment_values(environ: Mapping[str, str], defaults: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: _convert(env_var_name(key), environ[env_var_name(key)], default)
        for key, default in defaults.items()
        if env_var_name(key) in environ
    }


def _convert(name: str, text: str, default: Any) -> Any:
    """Read an environment string as the type of the setting's default."""
    try:
        if isinstance(default, bool):
            if text.lower() not in ("1", "0", "true", "false", "yes", "no"):
                raise ValueError
            return text.lower() in ("1", "true", "yes")
        if isinstance(default, int):
            return int(text)
        if isinstance(default, float):
            return float(text)
        if isinstance(default, list):
            parts = [part.strip() for part in text.split(",") if part.strip()]
            kind = type(default[0]) if default else str
            return [kind(part) for part in parts]
    except ValueError:
        raise ConfigError(f"{name}: expected {type(default).__name__}, got {text!r}") from None
    return text


def _add_secrets(values: dict[str, Any], environ: Mapping[str, str], overrides: Mapping[str, Any]) -> None:
    for key in SECRETS:
        values[key] = _flatten(dict(overrides)).get(key) or environ.get(env_var_name(key), "")
    if not values["secret_key"] and values["environment"] != "production":
        values["secret_key"] = _local_secret_key(Path(values["var_dir"]))


def _local_secret_key(var_dir: Path) -> str:
    """Keep one random key per checkout so `make run` sessions survive a restart."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def validate(settings: Settings) -> None:
    """Raise ConfigError naming the first setting that cannot work."""
    _validate_database_url(settings["database.url"])
    _validate_choice("sms.backend", settings["sms.backend"], SMS_BACKENDS)
    _validate_public_url(settings["public_base_url"], settings.environment)
    for key in ("sending.window_start", "sending.window_end"):
        _validate_clock_time(key, settings[key])
    _validate_timezone("sending.default_timezone", settings["sending.default_timezone"])
    if not 0 <= settings["scheduler.drain_share"] < 1:
        raise ConfigError(f"{env_var_name('scheduler.drain_share')}: a share of the tick, from 0 to below 1, "
                          f"got {settings['scheduler.drain_share']!r}")
    if settings.environment == "production":
        _require(settings, "secret_key")
        if settings.is_sqlite:
            raise ConfigError("PROM_DATABASE_URL: production needs PostgreSQL (postgresql+psycopg://…)")
    if settings["sms.backend"] == "twilio":
        for key in ("twilio.account_sid", "twilio.auth_token", "twilio.from"):
            _require(settings, key)


def _require(settings: Settings, key: str) -> None:
    if not settings.get(key):
        raise ConfigError(f"{env_var_name(key)}: required but not set")


def _validate_database_url(url: str) -> None:
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in DATABASE_SCHEMES:
        raise ConfigError(
            f"PROM_DATABASE_URL: unsupported database {scheme or url!r}; "
            "use sqlite:///path/to/file or postgresql+psycopg://user@host/db"
        )


def _validate_choice(key: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ConfigError(f"{env_var_name(key)}: must be one of {', '.join(choices)}, got {value!r}")


def _validate_public_url(url: str, environment: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"PROM_PUBLIC_BASE_URL: must be an absolute http(s) URL, got {url!r}")
    if environment == "production" and parts.scheme != "https":
        raise ConfigError("PROM_PUBLIC_BASE_URL: production patient links must use https")


def _validate_clock_time(key: str, value: str) -> None:
    hours, _, minutes = str(value).partition(":")
    if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
        raise ConfigError(f"{env_var_name(key)}: expected HH:MM, got {value!r}")


def _validate_timezone(key: str, value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{env_var_name(key)}: unknown time zone {value!r}") from None
