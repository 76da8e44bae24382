from pathlib import Path

import pytest

from indexer.settings import Settings


def test_precedence_defaults_file_env_overrides(tmp_path):
    config = tmp_path / "kb.toml"
    config.write_text('top_k = 9\nstore_mode = "server"\nchunk_words = 80\n')
    env = {"KB_TOP_K": "11", "KB_LLM_ENABLED": "true"}
    s = Settings.load(config_file=config, env=env, overrides={"chunk_words": 100, "store_dir": None})
    assert s.top_k == 11              # env beats file
    assert s.store_mode == "server"    # file beats default
    assert s.chunk_words == 100        # explicit override beats file
    assert s.llm_enabled is True       # env strings are coerced to the field's type
    assert isinstance(s.store_dir, Path) and s.store_dir.name == ".kb"  # None leaves the default


def test_unknown_setting_is_an_error(tmp_path):
    config = tmp_path / "kb.toml"
    config.write_text("topk = 3\n")
    with pytest.raises(ValueError, match="topk"):
        Settings.load(config_file=config, env={})
