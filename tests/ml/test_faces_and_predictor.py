from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from skimage import data as skdata

from emotions.ml.faces import FaceBox, crop_face, detect_faces
from emotions.ml.labels import CLASSES, class_index, negativity, valence_of
from emotions.ml.predictor import get_predictor

from .conftest import WEIGHTS, face_files


def padded_face(path, scale: int = 4, pad: int = 48) -> np.ndarray:
    grey = Image.open(path).convert("L").resize((48 * scale, 48 * scale), Image.Resampling.BICUBIC)
    canvas = Image.new("L", (48 * scale + 2 * pad, 48 * scale + 2 * pad), 128)
    canvas.paste(grey, (pad, pad))
    return np.asarray(canvas)


def test_labels_valence_and_aliases() -> None:
    assert valence_of("sad") == "negative" and valence_of("happy") == "positive"
    assert valence_of("surprise") == "neutral" and valence_of("neutral") == "neutral"
    assert class_index("Anger") == CLASSES.index("angry") and class_index("contempt") is None
    assert negativity([0.1, 0.1, 0.1, 0.3, 0.1, 0.2, 0.1]) == pytest.approx(0.4)


def test_detects_the_astronaut_and_maps_the_box_back_to_full_size() -> None:
    grey = np.asarray(Image.fromarray(skdata.astronaut()).convert("L"))
    big = np.asarray(Image.fromarray(grey).resize((1536, 1536)))
    small_box = detect_faces(grey)[0]
    big_box = detect_faces(big)[0]
    assert big_box.w == pytest.approx(small_box.w * 3, rel=0.15)
    assert big_box.x == pytest.approx(small_box.x * 3, rel=0.15)


def test_no_face_in_a_gradient() -> None:
    gradient = np.tile(np.linspace(0, 255, 640, dtype=np.uint8), (480, 1))
    assert detect_faces(gradient) == []


def test_crop_near_the_edge_keeps_the_face_centred_and_sized() -> None:
    grey = np.zeros((100, 100), np.uint8)
    grey[0:20, 0:20] = 255  # the "face" in the corner
    crop = crop_face(grey, FaceBox(0, 0, 20, 20))
    assert crop.shape == (48, 48)
    assert crop[20:28, 20:28].mean() > 200  # centre of the crop is the face, not shifted


def test_fer_faces_upscaled_are_found_and_classified_like_their_crops() -> None:
    predictor = get_predictor(WEIGHTS)
    agree = found = 0
    for path in face_files():
        analysis = predictor.analyze_grey(padded_face(path))
        crop_label = CLASSES[int(predictor.classify_faces(np.asarray(Image.open(path).convert("L"))[None]).argmax())]
        if analysis.faces_found:
            found += 1
            agree += analysis.label == crop_label
            assert sum(analysis.probabilities.values()) == pytest.approx(1.0, abs=1e-3)
    assert found >= len(face_files()) // 2
    # The detector's crop must land close to the FER framing: most labels agree.
    assert agree >= 0.7 * found


def test_analyze_file_decodes_a_large_jpeg_at_reduced_scale() -> None:
    image = Image.fromarray(skdata.astronaut()).resize((2048, 2048))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    analysis = get_predictor(WEIGHTS).analyze_file(buffer.getvalue())
    assert analysis.faces_found >= 1
    x, _y, w, _h = analysis.face_box
    assert 600 <= x <= 1000 and w >= 300  # in the 2048 px image's coordinates
    assert set(analysis.as_dict()) == {
        "faces_found",
        "face_box",
        "label",
        "valence",
        "negativity",
        "probabilities",
        "model_version",
        "elapsed_ms",
    }
