'use strict';

// The route has a route response ($default): API Gateway sends this body back to the caller.
exports.handler = async () => ({ statusCode: 200, body: 'pong' });
