"""create-seed-code: the model-build project pushed to the CodeCommit repository.

Names come from the same `MlNames` the template uses and are written as the defaults the
scripts fall back to; in CodeBuild the project's environment variables (the same names, see
`components/build_project.environment_variables`) take precedence.
"""

from __future__ import annotations

from provisioner.config.ml import MlConfig
from provisioner.ml.context import MlContext
from provisioner.naming.ml import MlNames

BUILDSPEC = """\
version: 0.2
# Upserts the SageMaker pipeline defined in pipelines/run_pipeline.py and starts it.
# CodeBuild sets SAGEMAKER_PIPELINE_NAME, MODEL_PACKAGE_GROUP_NAME, SAGEMAKER_ROLE_ARN,
# ARTIFACT_BUCKET (and KMS_KEY_ARN in the enterprise tier) from the stack.
phases:
  install:
    runtime-versions:
      python: 3.11
    commands:
      - pip install --quiet -r requirements.txt
  build:
    commands:
      - python pipelines/run_pipeline.py
artifacts:
  files:
    - pipeline-definition.json
"""

REQUIREMENTS = """\
sagemaker>=2.200,<3
boto3>=1.34
"""

PREPROCESS = '''\
"""Processing step: split the input CSV (label in the first column) into train and test."""

import csv
import random
from pathlib import Path

INPUT = Path("/opt/ml/processing/input")
OUTPUT = Path("/opt/ml/processing")


def main() -> None:
    rows = []
    for path in sorted(INPUT.glob("*.csv")):
        with path.open(newline="") as handle:
            rows.extend(row for row in csv.reader(handle) if row)
    random.Random(42).shuffle(rows)
    cut = int(len(rows) * 0.8)
    for name, part in (("train", rows[:cut]), ("test", rows[cut:])):
        target = OUTPUT / name
        target.mkdir(parents=True, exist_ok=True)
        with (target / f"{name}.csv").open("w", newline="") as handle:
            csv.writer(handle).writerows(part)


if __name__ == "__main__":
    main()
'''

TRAIN = '''\
"""Training step: a logistic regression on the processed CSV; saves model.joblib."""

import os
from pathlib import Path

import joblib
import pandas as pd
from sklearn.linear_model import LogisticRegression


def main() -> None:
    train_dir = Path(os.environ.get("SM_CHANNEL_TRAIN", "/opt/ml/input/data/train"))
    model_dir = Path(os.environ.get("SM_MODEL_DIR", "/opt/ml/model"))
    frame = pd.concat(pd.read_csv(p, header=None) for p in sorted(train_dir.glob("*.csv")))
    model = LogisticRegression(max_iter=1000).fit(frame.iloc[:, 1:], frame.iloc[:, 0])
    model_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, model_dir / "model.joblib")


if __name__ == "__main__":
    main()
'''

RUN_PIPELINE = '''\
"""Defines the SageMaker pipeline (process → train → register), upserts it and starts it.

Importing this module does nothing; run it as a script (CodeBuild does, see buildspec.yml).
"""

import json
import os

DEFAULTS = {defaults}


def setting(name: str) -> str:
    return os.environ.get(name) or DEFAULTS[name]


def build_pipeline():  # type: ignore[no-untyped-def]
    import sagemaker
    from sagemaker.processing import ProcessingInput, ProcessingOutput
    from sagemaker.sklearn.estimator import SKLearn
    from sagemaker.sklearn.processing import SKLearnProcessor
    from sagemaker.workflow.pipeline import Pipeline
    from sagemaker.workflow.step_collections import RegisterModel
    from sagemaker.workflow.steps import ProcessingStep, TrainingStep

    session = sagemaker.session.Session(default_bucket=setting("ARTIFACT_BUCKET"))
    role = setting("SAGEMAKER_ROLE_ARN")
    kms_key = os.environ.get("KMS_KEY_ARN") or None
    bucket = setting("ARTIFACT_BUCKET")
    pipeline_name = setting("SAGEMAKER_PIPELINE_NAME")

    processor = SKLearnProcessor(
        framework_version="1.2-1", role=role, instance_type="ml.m5.large", instance_count=1,
        sagemaker_session=session, output_kms_key=kms_key,
    )
    process = ProcessingStep(
        name="Preprocess",
        processor=processor,
        code="pipelines/preprocess.py",
        inputs=[ProcessingInput(source=f"s3://{{bucket}}/data/raw/",
                                destination="/opt/ml/processing/input")],
        outputs=[ProcessingOutput(output_name="train", source="/opt/ml/processing/train"),
                 ProcessingOutput(output_name="test", source="/opt/ml/processing/test")],
    )
    estimator = SKLearn(
        entry_point="pipelines/train.py", framework_version="1.2-1", role=role,
        instance_type="ml.m5.large", sagemaker_session=session, output_kms_key=kms_key,
        output_path=f"s3://{{bucket}}/models/",
    )
    train = TrainingStep(
        name="Train",
        estimator=estimator,
        inputs={{"train": sagemaker.inputs.TrainingInput(
            s3_data=process.properties.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri,
            content_type="text/csv")}},
    )
    register = RegisterModel(
        name="Register",
        estimator=estimator,
        model_data=train.properties.ModelArtifacts.S3ModelArtifacts,
        content_types=["text/csv"],
        response_types=["text/csv"],
        inference_instances=["ml.m5.large"],
        transform_instances=["ml.m5.large"],
        model_package_group_name=setting("MODEL_PACKAGE_GROUP_NAME"),
        approval_status="PendingManualApproval",
    )
    return Pipeline(name=pipeline_name, steps=[process, train, register],
                    sagemaker_session=session)


def main() -> None:
    pipeline = build_pipeline()
    definition = pipeline.definition()
    with open("pipeline-definition.json", "w") as handle:
        handle.write(definition)
    pipeline.upsert(role_arn=setting("SAGEMAKER_ROLE_ARN"))
    execution = pipeline.start()
    print(json.dumps({{"pipeline": setting("SAGEMAKER_PIPELINE_NAME"),
                      "execution": execution.arn}}))


if __name__ == "__main__":
    main()
'''

README = """\
# {ml_name}: model build

Pushed to the CodeCommit repository `{repository}`, this code is what the pipeline `{pipeline}`
runs: CodeBuild project `{build_project}` executes `buildspec.yml`, which upserts and starts
the SageMaker pipeline `{sm_pipeline}` (preprocess → train → register). New model versions go
to the model package group `{mpg}` as *PendingManualApproval*.

| name | value |
|---|---|
| repository | `{repository}` |
| CodePipeline | `{pipeline}` |
| CodeBuild project | `{build_project}` |
| SageMaker pipeline | `{sm_pipeline}` |
| model package group | `{mpg}` |
| SageMaker execution role | `{role_arn}` |
| artifact bucket | `{bucket}` (raw data under `data/raw/`) |

## Push it

```bash
git init -b {branch} && git add . && git commit -m "Seed model build"
git remote add origin https://{git_host}/v1/repos/{repository}
git push -u origin {branch}
```

(Use the AWS CLI credential helper or git-remote-codecommit for authentication.)
"""


def seed_code_files(config: MlConfig) -> dict[str, str]:
    names = MlNames(config)
    ctx = MlContext(names)
    role_arn = names.iam_arn(f"role/{names.role('sagemaker')}")
    defaults = {
        "SAGEMAKER_PIPELINE_NAME": names.sagemaker_pipeline,
        "MODEL_PACKAGE_GROUP_NAME": names.model_package_group,
        "SAGEMAKER_ROLE_ARN": role_arn,
        "ARTIFACT_BUCKET": ctx.artifact_bucket,
    }
    defaults_text = "{\n" + "".join(f"    {k!r}: {v!r},\n" for k, v in defaults.items()) + "}"
    return {
        "buildspec.yml": BUILDSPEC,
        "requirements.txt": REQUIREMENTS,
        "pipelines/__init__.py": "",
        "pipelines/preprocess.py": PREPROCESS,
        "pipelines/train.py": TRAIN,
        "pipelines/run_pipeline.py": RUN_PIPELINE.format(defaults=defaults_text),
        "README.md": README.format(
            ml_name=names.ml_name,
            repository=names.repository,
            pipeline=names.pipeline,
            build_project=names.build_project,
            sm_pipeline=names.sagemaker_pipeline,
            mpg=names.model_package_group,
            role_arn=role_arn,
            bucket=ctx.artifact_bucket,
            branch=config.branch,
            git_host=names.partition.regional_service("git-codecommit", config.region),
        ),
    }
