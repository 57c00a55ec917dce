"""The plumbing behind the lesson helpers: no notebook names these modules, and a learner need not read them.

- `paths`: every location under `data/` (downloads, reviews, samples, checkpoints, backups,
  results, runs, references);
- `runtime`: TensorFlow imported quietly, the device, determinism;
- `fetch`: a download checked against its SHA-256; `storage`: locks, all-or-nothing writes,
  manifests; `records`: the JSON record files;
- `epoch_log`: the per-epoch log that lets a killed training resume;
- `statistics` (intervals, paired tests, packed per-review results) and `tables` (plain-text
  tables), behind `helpers.results` and `helpers.reference`.
"""
