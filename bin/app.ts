#!/usr/bin/env -S npx tsx
// The CDK app: `npx cdk synth|diff|deploy -c stage=<stage>` runs this through cdk.json.
import { App } from "aws-cdk-lib";
import { defineSwitchyard } from "../lib/switchyard-app.ts";

const app = new App();
defineSwitchyard(app);
app.synth();
