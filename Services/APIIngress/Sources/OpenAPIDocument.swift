/// The OpenAPI 3.1 description of api-ingress, served at `/openapi.json`. `OpenAPIDocumentTests`
/// holds its paths and methods to the router's, so a route cannot be added or removed without it.
enum OpenAPIDocument {
    static let json = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "RoomReel API",
    "version": "1.0.0",
    "description": "Room photo (or prompt) in, short video out. Credits are debited before the provider is called and are never refunded. Finished videos and posters are served under /media/generation-videos/. Every error answer has the shape {\"error\": {\"code\", \"message\", \"details\"}}; the codes are listed in ErrorCode and explained in docs/api.md."
  },
  "components": {
    "securitySchemes": {
      "apiKey": {
        "type": "http",
        "scheme": "bearer",
        "description": "A workspace API key (rr_…), created by POST /v1/admin/workspaces/{workspace}/api-keys."
      },
      "jwt": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "HS256, signed with INGRESS_JWT_SECRET, with workspace_id and exp claims (nbf honoured)."
      },
      "adminToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "INGRESS_ADMIN_TOKEN; without it the admin API answers 404."
      }
    },
    "schemas": {
      "ErrorCode": {
        "type": "string",
        "enum": [
          "INVALID_REQUEST",
          "IMAGE_REQUIRED",
          "INVALID_IMAGE",
          "IMAGE_TOO_SMALL",
          "IMAGE_TOO_LARGE",
          "IMAGE_URL_REFUSED",
          "IMAGE_FETCH_FAILED",
          "WEBHOOK_URL_REFUSED",
          "IDEMPOTENCY_KEY_REUSED",
          "UNAUTHORIZED",
          "NOT_FOUND",
          "PAYLOAD_TOO_LARGE",
          "INSUFFICIENT_CREDITS",
          "MODEL_UNAVAILABLE",
          "MODEL_CANNOT_DO",
          "PROMPT_TOO_LONG",
          "GENERATION_FAILED",
          "CONTENT_REJECTED",
          "PROVIDER_ERROR",
          "PROVIDER_AUTH_FAILED",
          "GENERATION_TIMEOUT",
          "OUTPUT_UNAVAILABLE",
          "OUTPUT_INVALID",
          "INTERNAL_ERROR"
        ]
      },
      "Error": {
        "type": "object",
        "required": [
          "error"
        ],
        "properties": {
          "error": {
            "type": "object",
            "required": [
              "code",
              "message",
              "details"
            ],
            "properties": {
              "code": {
                "$ref": "#/components/schemas/ErrorCode"
              },
              "message": {
                "type": "string"
              },
              "details": {
                "type": "object",
                "additionalProperties": {
                  "type": "integer"
                }
              }
            }
          }
        }
      },
      "Job": {
        "type": "object",
        "required": [
          "id",
          "workspace_id",
          "status",
          "stage",
          "credits",
          "duration_seconds",
          "aspect_ratio",
          "created_at",
          "updated_at",
          "links"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "workspace_id": {
            "type": "string"
          },
          "status": {
            "type": "string",
            "enum": [
              "queued",
              "processing",
              "completed",
              "failed"
            ]
          },
          "stage": {
            "type": "string",
            "enum": [
              "requested",
              "routed",
              "debited",
              "submitted",
              "generated",
              "stored",
              "failed"
            ]
          },
          "model": {
            "type": [
              "string",
              "null"
            ]
          },
          "credits": {
            "type": "integer",
            "description": "The quoted price."
          },
          "credits_debited": {
            "type": [
              "integer",
              "null"
            ]
          },
          "provider": {
            "type": [
              "string",
              "null"
            ]
          },
          "provider_prediction_id": {
            "type": [
              "string",
              "null"
            ]
          },
          "duration_seconds": {
            "type": "number"
          },
          "aspect_ratio": {
            "type": "string"
          },
          "video_url": {
            "type": [
              "string",
              "null"
            ]
          },
          "video_bytes": {
            "type": [
              "integer",
              "null"
            ]
          },
          "poster_url": {
            "type": [
              "string",
              "null"
            ]
          },
          "error": {
            "type": [
              "object",
              "null"
            ],
            "properties": {
              "code": {
                "$ref": "#/components/schemas/ErrorCode"
              },
              "message": {
                "type": "string"
              },
              "details": {
                "type": "object"
              }
            }
          },
          "estimated_seconds": {
            "type": [
              "integer",
              "null"
            ]
          },
          "created_at": {
            "type": "string",
            "format": "date-time"
          },
          "updated_at": {
            "type": "string",
            "format": "date-time"
          },
          "links": {
            "type": "object",
            "properties": {
              "self": {
                "type": "string"
              }
            }
          }
        }
      },
      "JobPage": {
        "type": "object",
        "required": [
          "data",
          "has_more"
        ],
        "properties": {
          "data": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Job"
            }
          },
          "next_cursor": {
            "type": [
              "string",
              "null"
            ]
          },
          "has_more": {
            "type": "boolean"
          }
        }
      },
      "VideoRequestJSON": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
          "video_type": {
            "type": "string",
            "enum": [
              "walkthrough",
              "floorplan_flythrough",
              "product_spotlight",
              "before_after",
              "social_reel",
              "camera_motion"
            ]
          },
          "model": {
            "type": "string",
            "description": "An explicit model id or alias (see GET /v1/models); one of video_type or model is required."
          },
          "camera_motion": {
            "type": "string",
            "enum": [
              "pan_up",
              "pan_down",
              "pan_left_right",
              "zoom_in",
              "zoom_out",
              "camera_pullback",
              "rotate_cw",
              "rotate_ccw",
              "look_up",
              "look_down",
              "combining_motions"
            ]
          },
          "prompt": {
            "type": "string",
            "minLength": 1,
            "maxLength": 2000
          },
          "style": {
            "type": "string",
            "enum": [
              "modern",
              "minimalist",
              "scandinavian",
              "industrial",
              "mid-century modern",
              "contemporary"
            ]
          },
          "aspect_ratio": {
            "type": "string",
            "enum": [
              "16:9",
              "9:16",
              "1:1"
            ],
            "default": "16:9"
          },
          "duration": {
            "type": "number",
            "description": "Seconds, checked against the model's limits.",
            "default": 5
          },
          "resolution": {
            "type": "string",
            "enum": [
              "720p",
              "1080p"
            ]
          },
          "fps": {
            "type": "integer",
            "enum": [
              24,
              30
            ]
          },
          "focus_x": {
            "type": "number",
            "minimum": 0,
            "maximum": 1
          },
          "focus_y": {
            "type": "number",
            "minimum": 0,
            "maximum": 1
          },
          "reveal": {
            "type": "string",
            "enum": [
              "wipe",
              "crossfade"
            ]
          },
          "fallback": {
            "type": "boolean"
          },
          "workspace_id": {
            "type": "string"
          },
          "webhook_url": {
            "type": "string",
            "format": "uri",
            "description": "Called (signed, Standard Webhooks) when the job ends."
          },
          "destination_prefix": {
            "type": "string",
            "maxLength": 200,
            "pattern": "^/?[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+){0,7}/?$",
            "description": "A folder under the workspace's storage for the video and poster (no . or .. segments)."
          },
          "image_url": {
            "type": "string",
            "format": "uri"
          },
          "image_base64": {
            "type": "string"
          },
          "before_image_url": {
            "type": "string",
            "format": "uri"
          },
          "before_image_base64": {
            "type": "string"
          },
          "after_image_url": {
            "type": "string",
            "format": "uri"
          },
          "after_image_base64": {
            "type": "string"
          },
          "images": {
            "type": "array",
            "maxItems": 10,
            "items": {
              "oneOf": [
                {
                  "type": "string",
                  "format": "uri"
                },
                {
                  "type": "object",
                  "properties": {
                    "url": {
                      "type": "string",
                      "format": "uri"
                    }
                  },
                  "required": [
                    "url"
                  ],
                  "additionalProperties": false
                },
                {
                  "type": "object",
                  "properties": {
                    "base64": {
                      "type": "string"
                    }
                  },
                  "required": [
                    "base64"
                  ],
                  "additionalProperties": false
                }
              ]
            }
          }
        }
      },
      "VideoRequestMultipart": {
        "type": "object",
        "properties": {
          "video_type": {
            "type": "string",
            "enum": [
              "walkthrough",
              "floorplan_flythrough",
              "product_spotlight",
              "before_after",
              "social_reel",
              "camera_motion"
            ]
          },
          "model": {
            "type": "string",
            "description": "An explicit model id or alias (see GET /v1/models); one of video_type or model is required."
          },
          "camera_motion": {
            "type": "string",
            "enum": [
              "pan_up",
              "pan_down",
              "pan_left_right",
              "zoom_in",
              "zoom_out",
              "camera_pullback",
              "rotate_cw",
              "rotate_ccw",
              "look_up",
              "look_down",
              "combining_motions"
            ]
          },
          "prompt": {
            "type": "string",
            "minLength": 1,
            "maxLength": 2000
          },
          "style": {
            "type": "string",
            "enum": [
              "modern",
              "minimalist",
              "scandinavian",
              "industrial",
              "mid-century modern",
              "contemporary"
            ]
          },
          "aspect_ratio": {
            "type": "string",
            "enum": [
              "16:9",
              "9:16",
              "1:1"
            ],
            "default": "16:9"
          },
          "duration": {
            "type": "number",
            "description": "Seconds, checked against the model's limits.",
            "default": 5
          },
          "resolution": {
            "type": "string",
            "enum": [
              "720p",
              "1080p"
            ]
          },
          "fps": {
            "type": "integer",
            "enum": [
              24,
              30
            ]
          },
          "focus_x": {
            "type": "number",
            "minimum": 0,
            "maximum": 1
          },
          "focus_y": {
            "type": "number",
            "minimum": 0,
            "maximum": 1
          },
          "reveal": {
            "type": "string",
            "enum": [
              "wipe",
              "crossfade"
            ]
          },
          "fallback": {
            "type": "boolean"
          },
          "workspace_id": {
            "type": "string"
          },
          "webhook_url": {
            "type": "string",
            "format": "uri",
            "description": "Called (signed, Standard Webhooks) when the job ends."
          },
          "destination_prefix": {
            "type": "string",
            "maxLength": 200,
            "pattern": "^/?[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+){0,7}/?$",
            "description": "A folder under the workspace's storage for the video and poster (no . or .. segments)."
          },
          "image": {
            "type": "string",
            "format": "binary"
          },
          "before_image": {
            "type": "string",
            "format": "binary"
          },
          "after_image": {
            "type": "string",
            "format": "binary"
          },
          "images[]": {
            "type": "array",
            "items": {
              "type": "string",
              "format": "binary"
            }
          },
          "image_url": {
            "type": "string",
            "format": "uri"
          }
        }
      },
      "WebhookDelivery": {
        "type": "object",
        "properties": {
          "id": {
            "type": "string"
          },
          "url": {
            "type": "string"
          },
          "event_type": {
            "type": "string",
            "enum": [
              "video.completed",
              "video.failed"
            ]
          },
          "state": {
            "type": "string",
            "enum": [
              "pending",
              "delivered",
              "failed"
            ]
          },
          "attempt_count": {
            "type": "integer"
          },
          "next_attempt_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "created_at": {
            "type": "string",
            "format": "date-time"
          },
          "finished_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "last_error": {
            "type": [
              "string",
              "null"
            ]
          },
          "attempts": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "number": {
                  "type": "integer"
                },
                "attempted_at": {
                  "type": "string",
                  "format": "date-time"
                },
                "status_code": {
                  "type": [
                    "integer",
                    "null"
                  ]
                },
                "error": {
                  "type": [
                    "string",
                    "null"
                  ]
                },
                "duration_ms": {
                  "type": "integer"
                }
              }
            }
          }
        }
      },
      "Balance": {
        "type": "object",
        "properties": {
          "workspace_id": {
            "type": "string"
          },
          "balance": {
            "type": "integer"
          },
          "ledger_sequence": {
            "type": "integer"
          },
          "as_of": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "expiring": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "credits": {
                  "type": "integer"
                },
                "expires_at": {
                  "type": "string",
                  "format": "date-time"
                }
              }
            }
          }
        }
      },
      "LedgerEntry": {
        "type": "object",
        "properties": {
          "id": {
            "type": "string"
          },
          "sequence": {
            "type": "integer"
          },
          "kind": {
            "type": "string",
            "enum": [
              "grant",
              "debit"
            ]
          },
          "credits": {
            "type": "integer"
          },
          "balance_after": {
            "type": "integer"
          },
          "job_id": {
            "type": [
              "string",
              "null"
            ]
          },
          "expires_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "created_at": {
            "type": "string",
            "format": "date-time"
          }
        }
      },
      "LedgerPage": {
        "type": "object",
        "required": [
          "data",
          "has_more"
        ],
        "properties": {
          "data": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/LedgerEntry"
            }
          },
          "next_cursor": {
            "type": [
              "string",
              "null"
            ]
          },
          "has_more": {
            "type": "boolean"
          }
        }
      },
      "WebhookSecret": {
        "type": "object",
        "properties": {
          "workspace_id": {
            "type": "string"
          },
          "secret": {
            "type": "string",
            "pattern": "^whsec_"
          }
        }
      }
    }
  },
  "paths": {
    "/healthz": {
      "get": {
        "summary": "The process is serving.",
        "responses": {
          "200": {
            "description": "ok",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          }
        }
      }
    },
    "/readyz": {
      "get": {
        "summary": "The database and Kafka answer; the outbox backlog.",
        "responses": {
          "200": {
            "description": "Ready.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "ready": {
                      "type": "boolean"
                    },
                    "database": {
                      "type": "boolean"
                    },
                    "kafka": {
                      "type": "boolean"
                    },
                    "outbox_backlog": {
                      "type": [
                        "integer",
                        "null"
                      ]
                    }
                  }
                }
              }
            }
          },
          "503": {
            "description": "Not ready; the body says which part failed.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          }
        }
      }
    },
    "/metrics": {
      "get": {
        "summary": "Prometheus metrics (text exposition format).",
        "responses": {
          "200": {
            "description": "Metrics.",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          }
        }
      }
    },
    "/openapi.json": {
      "get": {
        "summary": "This document.",
        "responses": {
          "200": {
            "description": "OpenAPI 3.1.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          }
        }
      }
    },
    "/v1/models": {
      "get": {
        "summary": "The model catalog with prices, limits and availability.",
        "security": [
          {
            "apiKey": []
          },
          {
            "jwt": []
          }
        ],
        "responses": {
          "200": {
            "description": "Models.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          },
          "401": {
            "description": "No, an unknown or an invalid API key or JWT (`UNAUTHORIZED`).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/v1/videos": {
      "post": {
        "summary": "Request a video.",
        "security": [
          {
            "apiKey": []
          },
          {
            "jwt": []
          }
        ],
        "parameters": [
          {
            "name": "Idempotency-Key",
            "in": "header",
            "schema": {
              "type": "string",
              "maxLength": 255
            },
            "description": "The same key and request within 24 h return the first answer (with Idempotent-Replayed: true) and create nothing."
          },
          {
            "name": "Prefer",
            "in": "header",
            "schema": {
              "type": "string",
              "example": "wait=30"
            },
            "description": "wait=N (N ≤ 60): hold the answer until the job ends or N seconds pass."
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/VideoRequestJSON"
              }
            },
            "multipart/form-data": {
              "schema": {
                "$ref": "#/components/schemas/VideoRequestMultipart"
              }
            }
          }
        },
        "responses": {
          "202": {
            "description": "Accepted: queued.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Job"
                }
              }
            }
          },
          "200": {
            "description": "With Prefer: wait, the job finished in time.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Job"
                }
              }
            }
          },
          "400": {
            "description": "A bad field or photo: INVALID_REQUEST, IMAGE_REQUIRED, INVALID_IMAGE, IMAGE_TOO_SMALL, IMAGE_TOO_LARGE, IMAGE_URL_REFUSED, IMAGE_FETCH_FAILED, WEBHOOK_URL_REFUSED, PROMPT_TOO_LONG.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "401": {
            "description": "No, an unknown or an invalid API key or JWT (`UNAUTHORIZED`).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "402": {
            "description": "With Prefer: wait, billing turned the job down: INSUFFICIENT_CREDITS with details.required and details.balance.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "workspace_id names another workspace.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "413": {
            "description": "PAYLOAD_TOO_LARGE.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "422": {
            "description": "MODEL_CANNOT_DO, MODEL_UNAVAILABLE, or IDEMPOTENCY_KEY_REUSED (same key, different request).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      },
      "get": {
        "summary": "The workspace's jobs, newest first.",
        "security": [
          {
            "apiKey": []
          },
          {
            "jwt": []
          }
        ],
        "parameters": [
          {
            "name": "workspace_id",
            "in": "query",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "status",
            "in": "query",
            "schema": {
              "type": "string",
              "enum": [
                "queued",
                "processing",
                "completed",
                "failed"
              ]
            }
          },
          {
            "name": "cursor",
            "in": "query",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "limit",
            "in": "query",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 100,
              "default": 20
            }
          }
        ],
        "responses": {
          "200": {
            "description": "A page.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/JobPage"
                }
              }
            }
          },
          "400": {
            "description": "INVALID_REQUEST: bad status, limit or cursor.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "401": {
            "description": "No, an unknown or an invalid API key or JWT (`UNAUTHORIZED`).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "Not found, or another workspace's (`NOT_FOUND`).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/v1/videos/{id}": {
      "get": {
        "summary": "One job.",
        "security": [
          {
            "apiKey": []
          },
          {
            "jwt": []
          }
        ],
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The job.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Job"
                }
              }
            }
          },
          "401": {
            "description": "No, an unknown or an invalid API key or JWT (`UNAUTHORIZED`).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "Not found, or another workspace's (`NOT_FOUND`).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/v1/videos/{id}/webhook-deliveries": {
      "get": {
        "summary": "The job's webhook messages and every attempt at them.",
        "security": [
          {
            "apiKey": []
          },
          {
            "jwt": []
          }
        ],
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Deliveries.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "data": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/WebhookDelivery"
                      }
                    }
                  }
                }
              }
            }
          },
          "401": {
            "description": "No, an unknown or an invalid API key or JWT (`UNAUTHORIZED`).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "Not found, or another workspace's (`NOT_FOUND`).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/v1/workspaces/{workspace}/balance": {
      "get": {
        "summary": "Spendable credits (from billing's events), with what is due to expire.",
        "security": [
          {
            "apiKey": []
          },
          {
            "jwt": []
          }
        ],
        "parameters": [
          {
            "name": "workspace",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            },
            "description": "The caller's own workspace; any other is a 404."
          }
        ],
        "responses": {
          "200": {
            "description": "The balance.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Balance"
                }
              }
            }
          },
          "401": {
            "description": "No, an unknown or an invalid API key or JWT (`UNAUTHORIZED`).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "Not found, or another workspace's (`NOT_FOUND`).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/v1/workspaces/{workspace}/ledger": {
      "get": {
        "summary": "Ledger entries, newest first.",
        "security": [
          {
            "apiKey": []
          },
          {
            "jwt": []
          }
        ],
        "parameters": [
          {
            "name": "workspace",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            },
            "description": "The caller's own workspace; any other is a 404."
          },
          {
            "name": "cursor",
            "in": "query",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "limit",
            "in": "query",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 100,
              "default": 50
            }
          }
        ],
        "responses": {
          "200": {
            "description": "A page.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/LedgerPage"
                }
              }
            }
          },
          "400": {
            "description": "INVALID_REQUEST.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "401": {
            "description": "No, an unknown or an invalid API key or JWT (`UNAUTHORIZED`).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "Not found, or another workspace's (`NOT_FOUND`).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/v1/workspaces/{workspace}/webhook-secret": {
      "get": {
        "summary": "The whsec_ secret webhooks are signed with (made on first request).",
        "security": [
          {
            "apiKey": []
          },
          {
            "jwt": []
          }
        ],
        "parameters": [
          {
            "name": "workspace",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            },
            "description": "The caller's own workspace; any other is a 404."
          }
        ],
        "responses": {
          "200": {
            "description": "The secret.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/WebhookSecret"
                }
              }
            }
          },
          "401": {
            "description": "No, an unknown or an invalid API key or JWT (`UNAUTHORIZED`).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "Not found, or another workspace's (`NOT_FOUND`).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/v1/workspaces/{workspace}/webhook-secret/rotate": {
      "post": {
        "summary": "Replace the webhook secret.",
        "security": [
          {
            "apiKey": []
          },
          {
            "jwt": []
          }
        ],
        "parameters": [
          {
            "name": "workspace",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            },
            "description": "The caller's own workspace; any other is a 404."
          }
        ],
        "responses": {
          "200": {
            "description": "The new secret.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/WebhookSecret"
                }
              }
            }
          },
          "401": {
            "description": "No, an unknown or an invalid API key or JWT (`UNAUTHORIZED`).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "Not found, or another workspace's (`NOT_FOUND`).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/v1/admin/workspaces/{workspace}/grants": {
      "post": {
        "summary": "Grant credits (applied by billing, once per Idempotency-Key).",
        "security": [
          {
            "adminToken": []
          }
        ],
        "parameters": [
          {
            "name": "workspace",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            },
            "description": "Any workspace."
          },
          {
            "name": "Idempotency-Key",
            "in": "header",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": [
                  "credits"
                ],
                "properties": {
                  "credits": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 10000000
                  },
                  "expires_at": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "expires_in_days": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 3650
                  },
                  "reason": {
                    "type": "string",
                    "maxLength": 200
                  }
                }
              }
            }
          }
        },
        "responses": {
          "202": {
            "description": "Accepted.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          },
          "400": {
            "description": "INVALID_REQUEST.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "401": {
            "description": "UNAUTHORIZED.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "The admin API is off (no INGRESS_ADMIN_TOKEN).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/v1/admin/workspaces/{workspace}/api-keys": {
      "post": {
        "summary": "Create an API key for a workspace; the key is shown once.",
        "security": [
          {
            "adminToken": []
          }
        ],
        "parameters": [
          {
            "name": "workspace",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            },
            "description": "Any workspace."
          }
        ],
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "properties": {
                  "name": {
                    "type": "string",
                    "maxLength": 100
                  }
                }
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The key.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "key": {
                      "type": "string"
                    },
                    "key_prefix": {
                      "type": "string"
                    },
                    "workspace_id": {
                      "type": "string"
                    },
                    "name": {
                      "type": [
                        "string",
                        "null"
                      ]
                    },
                    "created_at": {
                      "type": "string",
                      "format": "date-time"
                    }
                  }
                }
              }
            }
          },
          "400": {
            "description": "INVALID_REQUEST.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "401": {
            "description": "UNAUTHORIZED.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "The admin API is off.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    }
  }
}
"""#
}
