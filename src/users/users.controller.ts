import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator';
import { type Actor, CurrentUser, Roles } from '../common/auth.decorators';
import { mapPage, type Page } from '../common/pagination';
import { CreateUserDto, ListUsersQueryDto, SetPasswordDto, UpdateUserDto } from './user.dto';
import { toUserResponse, UserPageResponse, UserResponse } from './user.response';
import { UsersService } from './users.service';

@ApiTags('users')
@Roles('admin')
@ApiErrors(401, 403)
@Controller('api/v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'List staff accounts' })
  @ApiResponse({ status: 200, type: UserPageResponse })
  @ApiErrors(400)
  async list(@Query() query: ListUsersQueryDto): Promise<Page<UserResponse>> {
    return mapPage(await this.users.list(query), toUserResponse);
  }

  @Post()
  @ApiOperation({ summary: 'Create a staff account' })
  @ApiResponse({ status: 201, type: UserResponse })
  @ApiErrors(400, 409)
  async create(@CurrentUser() actor: Actor, @Body() dto: CreateUserDto): Promise<UserResponse> {
    return toUserResponse(await this.users.create(actor, dto));
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a staff account' })
  @ApiResponse({ status: 200, type: UserResponse })
  @ApiErrors(400, 404)
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<UserResponse> {
    return toUserResponse(await this.users.get(id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change name, role or active; deactivating revokes existing tokens' })
  @ApiResponse({ status: 200, type: UserResponse })
  @ApiErrors(400, 404)
  async update(
    @CurrentUser() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateUserDto,
  ): Promise<UserResponse> {
    return toUserResponse(await this.users.update(actor, id, dto));
  }

  @Post(':id/password')
  @HttpCode(204)
  @ApiOperation({ summary: "Set a user's password; their existing tokens stop working" })
  @ApiResponse({ status: 204 })
  @ApiErrors(400, 404)
  async setPassword(
    @CurrentUser() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: SetPasswordDto,
  ): Promise<void> {
    await this.users.setPassword(actor, id, dto.password);
  }
}
