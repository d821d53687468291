// Operator accounts, so each reviewer signs in as themself and the review audit names a person. Only the
// bootstrap `admin` operator manages accounts: the console has no roles beyond that.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_OPERATOR } from '../../auth/bootstrap';
import { hashPassword } from '../../auth/passwords';
import { insertOperator } from '../../db/repositories/operators';
import type { ApiContext } from '../context';
import { ApiError } from '../errors';
import { operatorOf } from '../guards';
import { errors } from '../schemas';

export const MIN_OPERATOR_PASSWORD_LENGTH = 12;

export default async function operatorAccountRoutes(
  fastify: FastifyInstance,
  ctx: ApiContext,
): Promise<void> {
  fastify.post<{ Body: { username: string; password: string } }>('/v1/operator/accounts', {
    preHandler: ctx.guards.operator,
    schema: {
      tags: ['operator'],
      summary: 'Create an operator account (admin only)',
      security: [{ operatorCookie: [] }],
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['username', 'password'],
        properties: {
          username: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{1,63}$' },
          password: { type: 'string', minLength: MIN_OPERATOR_PASSWORD_LENGTH, maxLength: 1000 },
        },
      },
      response: {
        201: { type: 'object', properties: { username: { type: 'string' } } },
        ...errors(400, 401, 403, 409),
      },
    },
    handler: async (request, reply) => {
      if (operatorOf(request) !== DEFAULT_OPERATOR) {
        throw new ApiError('FORBIDDEN', `only the ${DEFAULT_OPERATOR} operator manages operator accounts`);
      }
      const { username, password } = request.body;
      const created = await insertOperator(ctx.db, {
        id: `op_${randomBytes(8).toString('hex')}`,
        username,
        passwordHash: await hashPassword(password),
      });
      if (!created) throw new ApiError('OPERATOR_EXISTS', `operator ${username} already exists`);
      return reply.code(201).send({ username });
    },
  });
}
