import pytest


@pytest.fixture(autouse=True)
def _files_put_back(request):
    """The world is built once per module and each test runs in a savepoint: the rows come back after a test, the
    files an erasure deleted from storage would not. Every stored file the world names is put back afterwards."""
    if "world" not in request.fixturenames:
        yield
        return
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from claimbridge.core.backup import stored_keys

    kept = {}
    for name in stored_keys():
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as stream:
                kept[name] = stream.read()
    yield
    for name, content in kept.items():
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(content))
