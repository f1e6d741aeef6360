/**
 * Source of the Lambda behind `Custom::ApiGatewayAccountRole` (Node.js 18 runtime, AWS SDK v3 as the
 * runtime ships it). On Create it makes sure API Gateway's account-wide CloudWatch role is set: the
 * configured `RoleArn`, or a role `serverlessApiGatewayCloudWatchRole` with the managed policy
 * AmazonAPIGatewayPushToCloudWatchLogs, created when missing. Update and Delete leave the account
 * setting alone (other stacks rely on it). Same contract as Serverless v3's own handler, so stacks
 * move between the two without replacing the custom resource.
 */
export const CLOUDWATCH_ROLE_HANDLER_SOURCE = String.raw`'use strict';
const http = require('node:http');
const https = require('node:https');
const { APIGatewayClient, GetAccountCommand, UpdateAccountCommand } = require('@aws-sdk/client-api-gateway');
const { IAMClient, AttachRolePolicyCommand, CreateRoleCommand, ListAttachedRolePoliciesCommand } = require('@aws-sdk/client-iam');

const ROLE_NAME = 'serverlessApiGatewayCloudWatchRole';
const UPDATE_ATTEMPTS = 10;
const UPDATE_RETRY_MS = 10000;

function sendResponse(event, context, status, reason) {
  const body = JSON.stringify({
    Status: status,
    Reason: reason || 'See CloudWatch log stream: ' + context.logStreamName,
    PhysicalResourceId: event.PhysicalResourceId || context.logStreamName,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: {},
  });
  return new Promise((resolve, reject) => {
    // CloudFormation always gives an https URL; plain http is only for local tests.
    const client = event.ResponseURL.startsWith('http:') ? http : https;
    const request = client.request(event.ResponseURL, {
      method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
    }, (response) => { response.resume(); response.on('end', resolve); });
    request.on('error', reject);
    request.end(body);
  });
}

async function ensureDefaultRole(iam, partition) {
  const policyArn = 'arn:' + partition + ':iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs';
  let attached;
  try {
    attached = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: ROLE_NAME }))).AttachedPolicies || [];
  } catch (error) {
    if (error.name !== 'NoSuchEntityException' && error.Code !== 'NoSuchEntity') throw error;
    await iam.send(new CreateRoleCommand({
      RoleName: ROLE_NAME,
      Path: '/',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: ['apigateway.amazonaws.com'] }, Action: ['sts:AssumeRole'] }],
      }),
    }));
    attached = [];
  }
  if (!attached.some((policy) => policy.PolicyArn === policyArn)) {
    await iam.send(new AttachRolePolicyCommand({ RoleName: ROLE_NAME, PolicyArn: policyArn }));
  }
}

async function setAccountRole(event, context) {
  const [, partition, , region, accountId] = context.invokedFunctionArn.split(':');
  const apiGateway = new APIGatewayClient({ region });
  const current = (await apiGateway.send(new GetAccountCommand({}))).cloudwatchRoleArn;
  let roleArn = event.ResourceProperties.RoleArn;
  if (!roleArn) {
    roleArn = 'arn:' + partition + ':iam::' + accountId + ':role/' + ROLE_NAME;
    await ensureDefaultRole(new IAMClient({ region }), partition);
  }
  if (roleArn === current) return;
  // A role created a moment ago is not usable by API Gateway until IAM has propagated it.
  for (let attempt = 1; ; attempt++) {
    try {
      await apiGateway.send(new UpdateAccountCommand({
        patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: roleArn }],
      }));
      return;
    } catch (error) {
      if (attempt >= UPDATE_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, UPDATE_RETRY_MS));
    }
  }
}

exports.handler = async (event, context) => {
  try {
    if (event.RequestType === 'Create') await setAccountRole(event, context);
    await sendResponse(event, context, 'SUCCESS');
  } catch (error) {
    console.error(error);
    await sendResponse(event, context, 'FAILED', String(error && error.message || error));
  }
};
`;
