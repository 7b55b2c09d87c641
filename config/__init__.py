"""The configuration file: where it is, how it is read, and the ``[sources]`` schema.

Imports nothing else of regwatch, so every part can read its own section from
:attr:`Config.raw` without depending on another part.
"""

from config.durations import format_duration, parse_duration
from config.errors import ConfigError
from config.loading import CONFIG_ENV, DEFAULT_CONFIG, Config, config_path, load_config
from config.sources import ArticleSpec, ListSpec, Source, builtin_tables, origin_of

__all__ = [
    "CONFIG_ENV",
    "DEFAULT_CONFIG",
    "ArticleSpec",
    "Config",
    "ConfigError",
    "ListSpec",
    "Source",
    "builtin_tables",
    "config_path",
    "format_duration",
    "load_config",
    "origin_of",
    "parse_duration",
]
