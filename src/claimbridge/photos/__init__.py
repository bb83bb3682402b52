"""Photo and video evidence, framework-free: file types from bytes, validation, EXIF, perceptual hashes, the index."""
