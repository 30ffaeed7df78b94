"""Face-emotion library: detection, the ResNet, training and evaluation.

This package is plain Python + torch + OpenCV. It imports neither Django nor any
app of the project, so the worker, the CLIs and the training script share it.
"""
