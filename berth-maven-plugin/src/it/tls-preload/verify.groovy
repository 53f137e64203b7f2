// The preloaded image was served over HTTPS to the test, and the registry listed it when it stopped.
def log = new File(basedir, 'build.log').text
assert log.contains('Berth listening on https://127.0.0.1:')
assert log.contains('Tests run: 1, Failures: 0, Errors: 0')
assert log.contains('Berth held base/image (tags: base=sha256:09ade42fe3e69018a3360bb092265af902f9e7d6013146cf152c82ac3a944707)')
assert new File(basedir, 'target/berth-tls/ca.crt').isFile()
