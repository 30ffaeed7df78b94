from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from PIL import Image
from skimage import data as skdata

from emotions.ml.faces import FaceBox, crop_face, detect_faces
from emotions.ml.labels import CLASSES, class_index, negativity, valence_of
from emotions.ml.predictor import get_predictor

from .conftest import WEIGHTS, face_files, padded_face


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
        "confidence",  # the calibrated top-class probability, added with the temperature
    }


def _jpeg(grey: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(grey).save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def test_bulk_analysis_matches_one_photo_at_a_time_and_keeps_going_past_a_broken_photo() -> None:
    predictor = get_predictor(WEIGHTS)
    faces = [_jpeg(padded_face(path)) for path in face_files()]
    no_face = _jpeg(np.tile(np.linspace(0, 255, 320, dtype=np.uint8), (240, 1)))
    broken = b"\xff\xd8 not really a jpeg"

    def gone() -> bytes:
        raise FileNotFoundError("photo removed from the storage")

    # A source may also be a function that reads the photo when its turn comes (as reanalyze passes them).
    photos = [*faces, no_face, broken, gone, lambda: faces[0]]
    threads_before = torch.get_num_threads()

    results = predictor.analyze_files(photos, threads=2)

    assert len(results) == len(photos)
    assert isinstance(results[-3], Exception)  # the broken photo, in its place
    assert isinstance(results[-2], FileNotFoundError)
    assert results[len(faces)].faces_found == 0 and results[len(faces)].label is None
    for photo, bulk in zip([*faces, no_face, faces[0]], [*results[: len(faces) + 1], results[-1]], strict=True):
        alone = predictor.analyze_file(photo)
        # Same crop, same network: batching and threads change nothing in the result.
        assert (bulk.faces_found, bulk.face_box, bulk.label) == (alone.faces_found, alone.face_box, alone.label)
        if alone.probabilities:
            for name, p in alone.probabilities.items():
                assert bulk.probabilities[name] == pytest.approx(p, abs=1e-5)
    assert sum(1 for r in results if not isinstance(r, Exception) and r.faces_found) >= len(faces) // 2
    assert torch.get_num_threads() == threads_before  # a worker's one-thread setting is restored after the batch


def test_bulk_analysis_of_nothing_is_nothing() -> None:
    assert get_predictor(WEIGHTS).analyze_files([], threads=2) == []
