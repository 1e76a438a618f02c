// The hook the bundle writer calls for the `deploy/` folder: deployFiles(manifest) returns
// bundle path -> text for every deployment file. Paths must start with 'deploy/'; the writer
// hashes each into the manifest's `files` like any other file, and a reader only ever reads them
// as text (it never runs them).
//
// OWNERSHIP: this directory belongs to the engineer writing the deployment templates (a Node
// inference server `deploy/server.mjs`, `deploy/Dockerfile`, `deploy/k8s.yaml` with Deployment +
// Service + HorizontalPodAutoscaler, `deploy/embed.html`), as string-producing functions in files
// of their own next to this one, wired in here. This first version writes only deploy/README.md
// so bundles are complete and the writer's contract is fixed: keep the signature, add files.
import type { BundleManifest } from '../manifest';

/** The manifest a deploy template sees: everything but the file hashes (not known yet). */
export type DeployManifest = Omit<BundleManifest, 'files'>;

export function deployFiles(manifest: DeployManifest): Record<string, string> {
  const columns = manifest.input.columns.filter((c) => c.role === 'feature');
  const example = Object.fromEntries(
    columns.map((c) => [
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
  const readme = `# Deploying ${manifest.model.name} ${manifest.model.version}

Serve this bundle with the Benchtop CLI (Node 20+):

    benchtop serve ${'<this bundle>'}.benchtop.zip --port 8080

Then \`POST /predict\` with a JSON body such as

    ${JSON.stringify({ rows: [example] })}

and \`GET /health\` for a liveness check. The input columns are listed in manifest.json
(\`input.columns\`, role "feature"); MODEL_CARD.md says what the model is for and how it scored.
`;
  return { 'deploy/README.md': readme };
}
