// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
// Validates Kubernetes manifests offline against the Kubernetes OpenAPI
// schemas that the npm package kubernetes-models bundles (one JSON schema
// per kind and version, checked with ajv: types, required fields, enums
// and formats; the schemas do not forbid unknown fields, so a misspelt
// optional field is not caught).  tools/install-deps.sh --test installs
// the packages into $BUILD/npm; run with NODE_PATH=$BUILD/npm/node_modules.
//
//   node tools/k8s-validate.js FILE.yaml...
//
// Prints "ok FILE KIND/NAME" per document, or "invalid FILE KIND/NAME:
// WHY" and exits 1.
'use strict';
const fs = require('fs');
const yaml = require('js-yaml');

// apiVersion/kind -> the module of its model.
function modelOf(doc) {
	const [group, version] = doc.apiVersion.includes('/')
		? doc.apiVersion.split('/')
		: ['', doc.apiVersion];
	const dir = group ? `${group}/${version}` : version;
	try {
		return require(`kubernetes-models/${dir}/${doc.kind}`)[doc.kind];
	} catch (e) {
		return null;
	}
}

let bad = 0;
for (const file of process.argv.slice(2)) {
	let docs;
	try {
		docs = yaml.loadAll(fs.readFileSync(file, 'utf8')).filter((d) => d !== null);
	} catch (e) {
		console.log(`invalid ${file}: ${e.message.split('\n')[0]}`);
		bad++;
		continue;
	}
	for (const doc of docs) {
		const what = `${doc && doc.kind}/${doc && doc.metadata && doc.metadata.name}`;
		if (!doc || typeof doc.apiVersion !== 'string' || typeof doc.kind !== 'string') {
			console.log(`invalid ${file} ${what}: no apiVersion and kind`);
			bad++;
			continue;
		}
		const Model = modelOf(doc);
		if (!Model) {
			console.log(`invalid ${file} ${what}: no schema for ${doc.apiVersion} ${doc.kind}`);
			bad++;
			continue;
		}
		try {
			new Model(doc).validate();
			console.log(`ok ${file} ${what}`);
		} catch (e) {
			console.log(`invalid ${file} ${what}: ${e.message}`);
			bad++;
		}
	}
}
process.exit(bad ? 1 : 0);
