"""Export a sentence-transformers BERT folder to ONNX, in float32 and int8, for serving.

Only the transformer is exported (``input_ids``, ``attention_mask`` -> ``last_hidden_state``,
batch and sequence axes dynamic); prompts, mean pooling and L2 normalisation stay in
:mod:`ingest.onnx_embed`, so the folder's own configuration keeps deciding them. The int8
copy is ONNX Runtime's dynamic quantisation of the float32 graph (int8 weights, activations
quantised per call), which needs no calibration data.

Runs at ``make model`` time, where torch is installed; the serving process never imports
this module. ``python -m ingest.onnx_export DIR`` adds the files to any BERT-type folder.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import tempfile
import time
import warnings
from pathlib import Path

logger = logging.getLogger(__name__)

ONNX_DIR = "onnx"
FP32_FILE = "model.onnx"
INT8_FILE = "model_int8.onnx"
# Bump when the export or the quantisation changes: `make model` then rebuilds the folder.
EXPORTER_VERSION = 1
OPSET = 17
INPUT_NAMES = ("input_ids", "attention_mask")
OUTPUT_NAME = "last_hidden_state"


def onnx_paths(folder: Path) -> tuple[Path, Path]:
    """Where the float32 and the int8 graph of a model folder live."""
    base = Path(folder) / ONNX_DIR
    return base / FP32_FILE, base / INT8_FILE


def export_onnx(folder: Path) -> tuple[Path, Path]:
    """Write ``onnx/model.onnx`` and ``onnx/model_int8.onnx`` for the model in ``folder``.

    Both files are written into a temporary sibling first and moved in at the end. Returns
    the paths of the float32 and the int8 graph.
    """
    folder = Path(folder)
    target = folder / ONNX_DIR
    tmp = Path(tempfile.mkdtemp(prefix=".onnx.tmp-", dir=folder))
    try:
        t0 = time.perf_counter()
        _export_fp32(folder, tmp / FP32_FILE)
        logger.info("exported %s (%.1fs)", FP32_FILE, time.perf_counter() - t0)
        t0 = time.perf_counter()
        _quantize_int8(tmp / FP32_FILE, tmp / INT8_FILE)
        logger.info("quantized %s to int8 (%.1fs)", INT8_FILE, time.perf_counter() - t0)
        os.chmod(tmp, 0o755)  # mkdtemp creates 0700
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return onnx_paths(folder)


def _export_fp32(folder: Path, out: Path) -> None:
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    # Eager attention: the SDPA path decides in Python whether a mask is needed at all, and a
    # traced graph would keep that decision for every later input.
    model = AutoModel.from_pretrained(
        str(folder), local_files_only=True, attn_implementation="eager"
    ).eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    # A padded example, so nothing in the trace assumes a mask of all ones.
    input_ids = torch.tensor([[0, 10, 11, 12, 2], [0, 10, 2, 1, 1]], dtype=torch.long)
    attention_mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], dtype=torch.long)
    axes = {0: "batch", 1: "sequence"}
    with warnings.catch_warnings(), torch.no_grad():
        # The TorchScript exporter warns that it is legacy and about traced Python booleans
        # (shape checks that hold for every input); the parity tests guard the result.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            LastHiddenState(model),
            (input_ids, attention_mask),
            str(out),
            input_names=list(INPUT_NAMES),
            output_names=[OUTPUT_NAME],
            dynamic_axes={name: axes for name in (*INPUT_NAMES, OUTPUT_NAME)},
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )


def _quantize_int8(fp32: Path, out: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Per output channel: one scale per weight tensor cost up to 0.08 in cosine to the float32
    # vectors on Dutch sentences, per channel under 0.01. 7-bit weights (reduce_range) keep
    # the u8 x s8 kernels of CPUs without VNNI from saturating.
    # quantize_dynamic logs a hint about pre-processing through the root logger; the graph
    # comes straight from the exporter and ONNX Runtime optimises it when it loads.
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        quantize_dynamic(
            str(fp32), str(out), weight_type=QuantType.QInt8, per_channel=True, reduce_range=True
        )
    finally:
        root.setLevel(level)


def main(argv: list[str] | None = None) -> int:
    """CLI entry point: ``python -m ingest.onnx_export DIR``."""
    parser = argparse.ArgumentParser(
        prog="python -m ingest.onnx_export",
        description="Add onnx/model.onnx and onnx/model_int8.onnx to a BERT model folder.",
    )
    parser.add_argument("folder", type=Path, help="a sentence-transformers folder (BERT)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not (args.folder / "config.json").is_file():
        parser.exit(1, f"error: no config.json in {args.folder}\n")
    for path in export_onnx(args.folder):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
