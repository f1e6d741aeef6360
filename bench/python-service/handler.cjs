exports.echo = async (event) => ({ statusCode: 200, body: event.body });
