# Every tier image from one file: ml-provisioner:{starter,professional,enterprise} and
# sec-provisioner:{small,medium,enterprise}[-N]. scripts/build-images prepares the build
# context (the project's wheel, the locked dependencies' wheels, requirements.lock) and builds
# every tag; see README.md "Building the images".
#
#   TOOL        ml | sec: the tool the image runs (its ENTRYPOINT) and its user, mluser | secuser
#   TIER        ml: starter | professional | enterprise; sec: small | medium | enterprise
#   MAX_TEAMS   sec only: the size suffix of sec-provisioner:medium-10, the most teams a config
#               may have here (empty: the tier's own cap)
#   BASE_IMAGE  a Debian-based image with python3 (3.11 or newer) and its venv module;
#               scripts/make-local-base makes one from Debian's packages, with no registry
ARG BASE_IMAGE=python:3.11-slim

# Stage 1: a venv with the project's wheel and exactly the locked dependencies, installed
# offline from the context's wheels. It takes no TOOL or TIER, so every tag shares it.
FROM ${BASE_IMAGE} AS install
COPY requirements.lock /tmp/build/
COPY wheels/ /tmp/build/wheels/
RUN python3 -m venv /opt/provisioner \
 && /opt/provisioner/bin/pip install --quiet --no-cache-dir --no-index --disable-pip-version-check \
      --find-links /tmp/build/wheels --require-hashes -r /tmp/build/requirements.lock \
 && /opt/provisioner/bin/pip install --quiet --no-cache-dir --no-index --disable-pip-version-check \
      --no-deps /tmp/build/wheels/ml_sec_provisioner-*.whl \
 && /opt/provisioner/bin/pip uninstall --quiet --yes pip setuptools \
 && find /opt/provisioner -depth -type d -name tests -path '*/site-packages/*/tests' \
      -not -path '*/site-packages/provisioner/*' -exec rm -rf {} + \
 && /opt/provisioner/bin/python -m compileall -q /opt/provisioner/lib >/dev/null

# Stage 2: the runtime, with no build tools, test dependencies or wheels.
FROM ${BASE_IMAGE}
COPY --from=install /opt/provisioner /opt/provisioner
ARG TOOL
# The user (uid 1000, the first user of most Linux hosts, so bind-mounted outputs are theirs)
# and /app. Both are world-writable with the sticky bit, so that `--user "$(id -u):$(id -g)"`,
# a uid the image does not know, still has a HOME and can write what is not mounted.
RUN set -eu; \
    case "${TOOL:-}" in ml|sec) ;; *) echo "build arg TOOL must be ml or sec" >&2; exit 1;; esac; \
    useradd --uid 1000 --user-group --home-dir "/home/${TOOL}user" --create-home \
      --shell /usr/sbin/nologin "${TOOL}user"; \
    mkdir -p "/home/${TOOL}user/.aws" /app/configs /app/policies /app/reports /app/templates \
      /app/manifests /app/seed-code; \
    chown -R "${TOOL}user:${TOOL}user" "/home/${TOOL}user" /app; \
    chmod 1777 "/home/${TOOL}user" /app /app/configs /app/policies /app/reports /app/templates \
      /app/manifests /app/seed-code; \
    ln -s "/opt/provisioner/bin/${TOOL}-provisioner" /usr/local/bin/provisioner-entrypoint
ENV HOME=/home/${TOOL}user \
    PATH=/opt/provisioner/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
WORKDIR /app
USER ${TOOL}user
ENTRYPOINT ["/usr/local/bin/provisioner-entrypoint"]
CMD ["--help"]
# Last, so that the layers above are shared by every tier of a tool.
ARG TIER
ARG MAX_TEAMS=
ENV PROVISIONER_IMAGE_TOOL=${TOOL}-provisioner \
    PROVISIONER_IMAGE_TIER=${TIER} \
    PROVISIONER_IMAGE_MAX_TEAMS=${MAX_TEAMS}
