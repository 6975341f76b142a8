#!/usr/bin/env -S npx tsx
// The CDK app: `npx cdk synth|diff|deploy --all -c stage=<stage>` runs this through cdk.json
// (stacks switchyard-<stage>-core, -ops, -api and one -workflow-<name> per workflow of the #workflows registry).
import { App } from "aws-cdk-lib";
import { workflows } from "#workflows";
import { defineSwitchyard } from "../lib/switchyard-app.ts";

const app = new App();
defineSwitchyard(app, { workflows });
app.synth();
