// The small deployment files of a bundle, written from its manifest: deploy/package.json (the
// three tfjs packages server.mjs needs), deploy/Dockerfile (+ its .dockerignore), deploy/k8s.yaml
// (Deployment + Service + HorizontalPodAutoscaler) and deploy/README.md. Names in them come from
// the model's name, reduced to what Kubernetes and npm accept (a DNS-1123 label).
import type { InputColumn } from '../manifest';
import type { DeployManifest } from './index';

/** The tfjs version the server installs: the one that wrote the model (DESIGN.md §9). */
const TFJS = '4.22.0';
export const SERVER_PORT = 8080;

/** "Penguin species (v2)" -> "penguin-species-v2": lowercase letters, digits, '-', ≤ 52 chars. */
export function deployName(manifest: DeployManifest): string {
  const slug = manifest.model.name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 52)
    .replace(/-+$/, '');
  // 52 leaves room for the suffixes Kubernetes adds to pod names within its 63-character limit.
  return /^[a-z]/.test(slug) ? slug : `model-${slug}`.replace(/-+$/, '');
}

/**
 * One example row for documentation and messages (the README here, `benchtop serve`'s errors):
 * each feature's first category or smallest training value.
 */
export function exampleRow(
  columns: readonly InputColumn[],
): Record<string, string | number | boolean | null> {
  return Object.fromEntries(
    columns
      .filter((c) => c.role === 'feature')
      .map((c) => [
        c.name,
        c.categories && c.categories.length > 0
          ? c.categories[0]
          : c.range
            ? c.range.min
            : c.kind === 'boolean'
              ? false
              : null,
      ]),
  );
}

export function packageJson(manifest: DeployManifest): string {
  const pkg = {
    name: `${deployName(manifest)}-server`,
    version: manifest.model.version,
    private: true,
    description: `Inference server for the Benchtop model bundle '${manifest.model.name}' ${manifest.model.version}`,
    type: 'module',
    main: 'server.mjs',
    scripts: { start: 'node server.mjs' },
    engines: { node: '>=20' },
    dependencies: {
      '@tensorflow/tfjs-core': TFJS,
      '@tensorflow/tfjs-layers': TFJS,
      '@tensorflow/tfjs-backend-wasm': TFJS,
    },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

export function dockerfile(manifest: DeployManifest): string {
  return `# Container for the Benchtop model '${manifest.model.name}' ${manifest.model.version}.
# Build from the unzipped bundle's top folder (the one holding manifest.json):
#   docker build -f deploy/Dockerfile -t ${deployName(manifest)}:${manifest.model.version} .
#   docker run --rm -p ${SERVER_PORT}:${SERVER_PORT} ${deployName(manifest)}:${manifest.model.version}
FROM node:20-slim
ENV NODE_ENV=production PORT=${SERVER_PORT} HOST=0.0.0.0 MAX_BODY=10mb
WORKDIR /app
# Dependencies first, so a new model reuses the cached npm layer.
COPY deploy/package.json deploy/
RUN cd deploy && npm install --omit=dev --no-audit --no-fund && npm cache clean --force
COPY manifest.json ./
COPY model/ model/
COPY deploy/predict.mjs deploy/server.mjs deploy/
# The image's files stay owned by root and read-only to the server, which runs unprivileged.
USER node
EXPOSE ${SERVER_PORT}
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \\
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || ${SERVER_PORT}) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# Exec form: node runs as PID 1 and receives SIGTERM itself; server.mjs then drains its requests.
CMD ["node", "deploy/server.mjs"]
`;
}

export const DOCKERIGNORE = `# Build context: the unzipped bundle. A local npm install is not copied into the image.
**/node_modules
`;

export function k8sYaml(manifest: DeployManifest): string {
  const name = deployName(manifest);
  const version = manifest.model.version;
  // The selector labels, indented to `pad` spaces (the same labels select the pods everywhere).
  const labels = (pad: number) =>
    [`app.kubernetes.io/name: ${name}`, 'app.kubernetes.io/component: inference'].join(
      `\n${' '.repeat(pad)}`,
    );
  return `# Kubernetes manifests for the Benchtop model '${manifest.model.name}' ${version}.
# Build and push the image (see deploy/Dockerfile), set its name below, then:
#   kubectl apply -f deploy/k8s.yaml
# Probes use GET /health; the Service exposes port 80 inside the cluster; the autoscaler keeps
# average CPU near 70% of the request between 2 and 10 replicas. SIGTERM drains requests in flight.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels:
    ${labels(4)}
    app.kubernetes.io/version: "${version}"
spec:
  replicas: 2
  selector:
    matchLabels:
      ${labels(6)}
  template:
    metadata:
      labels:
        ${labels(8)}
        app.kubernetes.io/version: "${version}"
    spec:
      terminationGracePeriodSeconds: 30
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
      containers:
        - name: server
          image: "registry.example.com/${name}:${version}"
          imagePullPolicy: IfNotPresent
          ports:
            - name: http
              containerPort: ${SERVER_PORT}
          env:
            - name: PORT
              value: "${SERVER_PORT}"
            - name: HOST
              value: "0.0.0.0"
            - name: MAX_BODY
              value: "10mb"
          readinessProbe:
            httpGet:
              path: /health
              port: http
            initialDelaySeconds: 3
            periodSeconds: 5
            timeoutSeconds: 2
          livenessProbe:
            httpGet:
              path: /health
              port: http
            initialDelaySeconds: 15
            periodSeconds: 20
            timeoutSeconds: 3
            failureThreshold: 3
          resources:
            requests:
              cpu: 250m
              memory: 256Mi
            limits:
              cpu: "1"
              memory: 512Mi
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  labels:
    ${labels(4)}
spec:
  type: ClusterIP
  selector:
    ${labels(4)}
  ports:
    - name: http
      port: 80
      targetPort: http
      protocol: TCP
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${name}
  labels:
    ${labels(4)}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: ${name}
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70
`;
}

export function readme(manifest: DeployManifest): string {
  const name = deployName(manifest);
  const example = JSON.stringify({ rows: [exampleRow(manifest.input.columns)] });
  return `# Deploying ${manifest.model.name} ${manifest.model.version}

Everything here runs from the unzipped bundle, without Benchtop. The input columns are listed in
manifest.json (\`input.columns\`, role "feature"); MODEL_CARD.md says what the model is for and
how it scored.

## Node (20 or newer)

    cd deploy && npm install && node server.mjs --port ${SERVER_PORT}

\`server.mjs\` checks the model files against manifest.json's hashes, then answers

- \`GET /health\`: model name and version, uptime, request counts;
- \`POST /predict\` with a JSON body such as

      ${example}

  answering \`{"predictions": [${manifest.model.task === 'classification' ? '{"label": ..., "probabilities": {...}}' : '{"value": ...}'}]}\`.
  Invalid JSON or a missing / wrongly typed column is answered 400, a body over 10 MB
  (\`--max-body\`) 413, each with \`{"error": "..."}\`.

The same with the Benchtop CLI: \`benchtop serve <this bundle>.benchtop.zip --port ${SERVER_PORT}\`.

## Docker

    docker build -f deploy/Dockerfile -t ${name}:${manifest.model.version} .
    docker run --rm -p ${SERVER_PORT}:${SERVER_PORT} ${name}:${manifest.model.version}

(run from the bundle's top folder, the one holding manifest.json). The image runs as the
unprivileged \`node\` user and has a HEALTHCHECK on /health.

## Kubernetes

Push the image, set its name in \`deploy/k8s.yaml\` (\`image:\`), then \`kubectl apply -f deploy/k8s.yaml\`:
a Deployment (2 replicas, readiness and liveness probes on /health, CPU / memory requests and
limits), a Service on port 80 and a HorizontalPodAutoscaler (2 to 10 replicas at 70% CPU).

## In a web page

\`deploy/embed.html\` predicts one row in the browser with \`predict.mjs\` and tfjs. Serve the
unzipped bundle from any static web server and open \`deploy/embed.html\`. It loads tfjs from
\`./tf.min.js\` next to it (copy \`@tensorflow/tfjs/dist/tf.min.js\` there) unless you change
\`TFJS_URL\` in the page to a CDN: nothing is fetched from the internet unless you say so.
`;
}
