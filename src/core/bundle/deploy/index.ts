// The bundle's `deploy/` folder: the bundle writer (../write.ts) calls deployFiles(manifest) and
// stores each returned text under its path (always under deploy/), hashed in the manifest's
// `files` like any other file; a reader only ever reads them as text (it never runs them). Each
// file is produced by its own module next to this one:
//   deploy/predict.mjs          hand-written replay of the fitted steps + tfjs model (predict-mjs.ts)
//   deploy/server.mjs           standalone node:http server, same API as `benchtop serve` (server-mjs.ts)
//   deploy/package.json         the tfjs packages server.mjs needs (templates.ts)
//   deploy/Dockerfile           node:20-slim, non-root, HEALTHCHECK on /health (templates.ts)
//   deploy/Dockerfile.dockerignore
//   deploy/k8s.yaml             Deployment + Service + HorizontalPodAutoscaler (templates.ts)
//   deploy/embed.html           one-row predictions in a web page (embed-html.ts)
//   deploy/README.md            how to run each of them (templates.ts)
import type { BundleManifest } from '../manifest';
import { embedHtml } from './embed-html';
import { PREDICT_MJS } from './predict-mjs';
import { SERVER_MJS } from './server-mjs';
import { DOCKERIGNORE, dockerfile, k8sYaml, packageJson, readme } from './templates';

export { DEPLOY_STEP_KINDS } from './predict-mjs';
export { deployName, SERVER_PORT } from './templates';

/** The manifest a deploy template sees: everything but the file hashes (not known yet). */
export type DeployManifest = Omit<BundleManifest, 'files'>;

export function deployFiles(manifest: DeployManifest): Record<string, string> {
  return {
    'deploy/README.md': readme(manifest),
    'deploy/predict.mjs': PREDICT_MJS,
    'deploy/server.mjs': SERVER_MJS,
    'deploy/package.json': packageJson(manifest),
    'deploy/Dockerfile': dockerfile(manifest),
    'deploy/Dockerfile.dockerignore': DOCKERIGNORE,
    'deploy/k8s.yaml': k8sYaml(manifest),
    'deploy/embed.html': embedHtml(manifest),
  };
}
